"""The outcome answer page (a signed link, no account) and the public page of what pledges changed."""

from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse

from counters.services import counters_recount
from pledges import outcomes
from pledges.models import PledgeOutcome
from pledges.outcomes import outcome_question_set, outcome_record, outcome_token

from .factories import PledgeFactory

pytestmark = pytest.mark.django_db

ANSWER = {"action": "answer", "benefit": ["patients", "carers"], "reach": "organisation", "ongoing": "partly"}


def url(pledge) -> str:
    return reverse("pledges:outcome", args=[outcome_token(pledge)])


def record(pledge, **answers):
    answers = {"benefit": ["patients"], "reach": "team", "ongoing": "yes", "change": "", "publish": False, **answers}
    return outcome_record(pledge=pledge, question_set=outcome_question_set(pledge.campaign), answers=answers)


def test_the_link_opens_the_questions_without_signing_in(client, campaign):
    pledge = PledgeFactory(text="I will learn the names of the night team")
    response = client.get(url(pledge))
    assert response.status_code == 200
    page = response.content.decode()
    assert "What did your pledge change?" in page and "I will learn the names of the night team" in page
    for label in ("Patients or people who use services", "Beyond my organisation", "Partly", "Publish this sentence"):
        assert label in page
    assert "Delete my answers" not in page


def test_answering_saves_counts_and_shows_the_answers_when_the_link_is_opened_again(client, campaign):
    pledge = PledgeFactory()
    link = url(pledge)  # signed with the time: the same link all through
    response = client.post(link, {**ANSWER, "change": "Relatives feel welcome.", "publish": "on"})
    assert response.status_code == 302 and response.url == link
    outcome = PledgeOutcome.objects.get(pledge=pledge)
    assert (outcome.benefit, outcome.reach, outcome.ongoing) == (["carers", "patients"], "organisation", "partly")
    assert outcome.publish_change and outcome.change == "Relatives feel welcome."
    page = client.get(link).content.decode()
    assert "Thank you. Your answers have been saved." in page
    assert "Relatives feel welcome." in page and "Save my changes" in page and "Delete my answers" in page


def test_answers_can_be_changed_and_then_withdrawn(client, campaign):
    pledge = PledgeFactory()
    client.post(url(pledge), ANSWER)
    client.post(url(pledge), {**ANSWER, "reach": "me"})
    assert PledgeOutcome.objects.get(pledge=pledge).reach == "me"
    response = client.post(url(pledge), {"action": "withdraw"}, follow=True)
    assert "Your answers have been deleted" in response.content.decode()
    assert not PledgeOutcome.objects.filter(pledge=pledge).exists()
    assert {k: v for k, v in counters_recount(dry_run=True).items() if ":outcomes:" in k} == {}


def test_errors_are_shown_in_the_nhs_pattern_and_keep_what_was_typed(client, campaign):
    pledge = PledgeFactory()
    typed = "Call me on 07700 900123 & I will tell you"
    response = client.post(url(pledge), {"action": "answer", "reach": "team", "change": typed, "publish": "on"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "nhsuk-error-summary" in page and "Error: What did your pledge change?" in page
    assert "Select who benefited" in page
    assert "What changed must not include a phone number" in page
    assert "Call me on 07700 900123 &amp; I will tell you" in page  # kept, escaped
    assert 'name="reach" type="radio" value="team" checked' in page
    assert 'name="publish" type="checkbox" value="on" checked' in page
    assert not PledgeOutcome.objects.exists()


def test_publishing_with_no_sentence_is_an_error_not_a_server_error(client, campaign):
    response = client.post(url(PledgeFactory()), {**ANSWER, "publish": "on"})
    assert response.status_code == 200
    assert "Write what changed, or do not choose to publish it" in response.content.decode()


def test_an_overlong_sentence_is_refused(client, campaign):
    response = client.post(url(PledgeFactory()), {**ANSWER, "change": "x" * 281})
    assert "What changed must be 280 characters or fewer" in response.content.decode()


@pytest.mark.parametrize("token", ["nonsense", signing.dumps({"p": 999999}, salt="pledges.outcome")])
def test_a_bad_link_says_so(client, campaign, token):
    response = client.get(reverse("pledges:outcome", args=[token]))
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()


def test_a_manage_link_is_not_an_outcome_link(client, campaign):
    from pledges.services import manage_token

    response = client.get(reverse("pledges:outcome", args=[manage_token(PledgeFactory())]))
    assert response.status_code == 404


def test_an_expired_link_says_so(client, campaign, monkeypatch):
    token = outcome_token(PledgeFactory())
    monkeypatch.setattr(outcomes, "OUTCOME_MAX_AGE", timedelta(seconds=-1))
    response = client.get(reverse("pledges:outcome", args=[token]))
    assert response.status_code == 410 and "This link has expired" in response.content.decode()


def test_the_link_of_a_withdrawn_pledge_says_it_was_withdrawn(client, campaign):
    pledge = PledgeFactory(status="withdrawn")
    response = client.get(url(pledge))
    assert response.status_code == 404 and "This pledge has been withdrawn" in response.content.decode()
    assert client.post(url(pledge), ANSWER).status_code == 404


# --- The impact page -----------------------------------------------------------------


def test_the_impact_page_shows_the_figures_and_hides_a_cell_of_three(client, campaign):
    pledges = PledgeFactory.create_batch(8)
    for pledge in pledges[:5]:
        record(pledge, benefit=["patients", "colleagues"], reach="team")
    for pledge in pledges[5:]:
        record(pledge, benefit=["patients"], reach="beyond")  # 3 reached beyond
    response = client.get(reverse("pledges:impact"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "8</span> people told us what their pledge changed" in page
    rows = {
        label: page.split(f">{label}</th>", 1)[1].split("</td>", 1)[0].rsplit(">", 1)[1]
        for label in (
            "Patients or people who use services",
            "Colleagues",
            "My team",
            "Beyond my organisation",
            "Carers",
        )
    }
    assert rows == {
        "Patients or people who use services": "8",
        "Colleagues": "5",
        "My team": "5",
        "Beyond my organisation": "fewer than 5",
        "Carers": "fewer than 5",
    }
    assert "any figure under 5 is shown as &ldquo;fewer than 5&rdquo;" in page


def test_a_lone_hidden_cell_that_could_be_worked_out_hides_a_second(client, campaign):
    """Reach adds up to the number who answered: 5 + 6 + 7 + 3 = 21, so the 3 could be worked
    out from the others; the next smallest (5) is hidden too."""
    pledges = iter(PledgeFactory.create_batch(21))
    for reach, n in (("me", 5), ("team", 6), ("organisation", 7), ("beyond", 3)):
        for _ in range(n):
            record(next(pledges), benefit=["patients"], reach=reach)
    page = client.get(reverse("pledges:impact")).content.decode()
    cell = {
        label: page.split(f">{label}</th>", 1)[1].split("</td>", 1)[0].rsplit(">", 1)[1]
        for label in ("Just me", "My team", "My organisation", "Beyond my organisation")
    }
    assert cell == {
        "Just me": "not shown",
        "My team": "6",
        "My organisation": "7",
        "Beyond my organisation": "fewer than 5",
    }
    assert "&ldquo;not shown&rdquo; too" in page


def test_the_impact_page_shows_only_published_sentences_in_bdi_and_pages_them(client, campaign, monkeypatch):
    monkeypatch.setattr(outcomes, "SENTENCES_PER_PAGE", 2)
    for n in range(3):
        record(PledgeFactory(), change=f"Published change number {n}.", publish=True)
    record(PledgeFactory(), change="A private sentence.", publish=False)
    page = client.get(reverse("pledges:impact")).content.decode()
    assert "<bdi>Published change number 2.</bdi>" in page and "Published change number 1." in page
    assert "Published change number 0." not in page and "A private sentence." not in page
    assert "Page 2 of 2" in page
    second = client.get(reverse("pledges:impact"), {"page": 2}).content.decode()
    assert "Published change number 0." in second


def test_the_impact_page_reads_kept_totals_not_the_answers(client, campaign, django_assert_max_num_queries):
    for pledge in PledgeFactory.create_batch(6):
        record(pledge, change="Things changed.", publish=True)
    with django_assert_max_num_queries(5):
        assert client.get(reverse("pledges:impact")).status_code == 200


def test_the_wall_links_to_the_impact_page(client, campaign):
    assert reverse("pledges:impact") in client.get(reverse("pledges:index")).content.decode()


def test_the_impact_figures_are_kept_per_set_of_totals_and_change_with_them(client, campaign, settings):
    """The tables and charts are rendered once per process for each set of kept totals
    (pledges/impact.py): the same page as rendered every time, and a new answer shows at once."""
    from core import fragments

    settings.PLEDGES_MICROCACHE_ENABLED = False
    fragments.clear()
    pledges = PledgeFactory.create_batch(6)
    for pledge in pledges[:5]:
        record(pledge, reach="team")
    settings.CORE_FRAGMENTS_KEPT = False
    rendered = client.get(reverse("pledges:impact")).content
    settings.CORE_FRAGMENTS_KEPT = True
    client.get(reverse("pledges:impact"))
    kept = client.get(reverse("pledges:impact")).content
    assert kept == rendered and "5</span> people told us" in kept.decode()
    assert any(key[0] == "kept" for key in fragments._kept)
    record(pledges[5], reach="team")
    page = client.get(reverse("pledges:impact")).content.decode()
    assert "6</span> people told us" in page
    assert page.split(">My team</th>", 1)[1].split("</td>", 1)[0].endswith(">6")
    fragments.clear()


@pytest.mark.parametrize(
    "filters",
    [{}, {"q": "  ward  "}, {"q": "ward", "reach": "team"}, {"theme": "dementia", "page": "2"}, {"benefit": "carers"}],
)
def test_sentences_are_the_same_whether_their_query_is_kept_or_built(client, campaign, settings, monkeypatch, filters):
    from pledges.models import Theme

    settings.PLEDGES_MICROCACHE_ENABLED = False
    monkeypatch.setattr(outcomes, "SENTENCES_PER_PAGE", 2)
    dementia = Theme.objects.get(slug="dementia")
    for n in range(5):
        pledge = PledgeFactory(theme=dementia if n % 2 else PledgeFactory().theme)
        record(
            pledge,
            reach="team" if n < 3 else "me",
            benefit=["carers"] if n == 4 else ["patients"],
            change=f"The ward felt calmer, story {n}.",
            publish=True,
        )
    settings.CORE_QUERIES_KEPT = False
    built = client.get(reverse("pledges:impact"), filters).content.decode()
    settings.CORE_QUERIES_KEPT = True
    client.get(reverse("pledges:impact"), filters)
    kept = client.get(reverse("pledges:impact"), filters).content.decode()
    assert kept == built
    assert "story" in kept
