"""Cards and rows kept rendered per process (core/fragments.py): the same pages either way,
a changed column shows at once, and every such template keeps the rule."""

import re
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from core import fragments
from counters.services import counters_recount
from organisations.models import CommitmentTask, Organisation
from organisations.services import commitment_task_done
from pledges import microcache
from pledges.models import Pledge, Theme
from pledges.outcomes import outcome_question_set, outcome_record
from tests.ambassadors.factories import CareMakerFactory
from tests.factories import UserFactory
from tests.organisations.factories import commit, make_organisation
from tests.pledges.factories import CampaignFactory, PledgeFactory

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")]
FRAGMENT_TAG = re.compile(r'{%\s*fragment\s+"([^"]+)"')


@pytest.fixture(autouse=True)
def nothing_kept():
    microcache._pages.clear()
    fragments.clear()
    with override_settings(PLEDGES_MICROCACHE_ENABLED=False):
        yield
    fragments.clear()


@pytest.fixture
def lists(db):
    campaign = CampaignFactory(name="Change Day 2027", slug="change-day-2027", is_current=True)
    theme = Theme.objects.get(slug="dementia")
    for n in range(5):
        PledgeFactory(campaign=campaign, theme=theme, text=f"I will learn the name of porter number {n} on my ward.")
    done = PledgeFactory(campaign=campaign, theme=theme, text="I will sit with one lonely patient a day " * 4)
    # A card showing everything it can (a name, joins, done with its story), so a column the
    # card reads but the wall does not load is caught by the no-query test below.
    Pledge.objects.filter(pk=done.pk).update(
        joins_count=3,
        done_at=timezone.now(),
        done_story="We sat with six people this week.",
        show_name=Pledge.ShowName.NAME,
        name="Sam Okafor",
    )
    for n in range(3):
        CareMakerFactory(display_name=f"Care Maker {n}")
    for n in range(3):
        make_organisation(name=f"Oak Lodge {n}")
    # An employer that signed and published evidence of a task: its page and the impact page's cards.
    rep = UserFactory(email="rep@birch-house.example")
    signed = make_organisation(name="Birch House", rep=rep)
    Organisation.objects.filter(pk=signed.pk).update(slug="birch-house")
    commit(signed, rep)
    task = CommitmentTask.objects.filter(commitment__organisation=signed).order_by("pk").first()
    commitment_task_done(task=task, user=rep, evidence="We ran two open days for new carers.", publish=True)
    # A published sentence of what changed, for the impact page's sentence cards.
    outcome_record(
        pledge=done,
        question_set=outcome_question_set(campaign),
        answers={
            "benefit": ["patients"],
            "reach": "team",
            "ongoing": "yes",
            "change": "Six lonely patients had someone to talk to each week.",
            "publish": True,
        },
    )
    counters_recount()  # the kept totals the impact page's tables are drawn from


PAGES = [
    reverse("pledges:index"),
    reverse("pledges:index") + "?q=porter",
    reverse("ambassadors:directory"),
    reverse("ambassadors:directory") + "?region=london&role=&sector=&c=&page=1",
    reverse("ambassadors:directory") + "?region=london&utm_source=<b>",
    reverse("organisations:directory"),
    reverse("organisations:directory") + "?q=&region=london&type=",
    reverse("organisations:directory") + "?q=Birch",
    reverse("pledges:impact"),
    reverse("organisations:impact"),
    reverse("ambassadors:counts"),
    reverse("ambassadors:impact"),
    reverse("organisations:detail", args=["birch-house"]),
]


@pytest.mark.parametrize("path", PAGES)
def test_each_list_page_is_the_same_kept_or_rendered(client, lists, path):
    with override_settings(CORE_FRAGMENTS_KEPT=False):
        rendered = client.get(path)
    first = client.get(path)  # renders and keeps
    kept = client.get(path)  # from what was kept
    assert rendered.status_code == first.status_code == kept.status_code == 200
    assert fragments._kept, "nothing was kept: the page does not render its rows through fragments"
    assert kept.content == first.content == rendered.content
    assert b"&lt;li" not in kept.content and b"<li class=" in kept.content  # markup, not escaped text


def test_a_changed_column_shows_at_once(client, lists):
    pledge = Pledge.objects.filter(joins_count=3).get()
    assert "3 joined" in client.get(reverse("pledges:index")).content.decode()
    Pledge.objects.filter(pk=pledge.pk).update(joins_count=4, text="I will sit with a lonely patient every day.")
    page = client.get(reverse("pledges:index")).content.decode()
    assert "4 joined" in page and "3 joined" not in page
    assert "I will sit with a lonely patient every day." in page
    Theme.objects.filter(slug="dementia").update(name="Dementia care")  # a select_related row
    assert "Dementia care" in client.get(reverse("pledges:index")).content.decode()


def test_at_most_max_kept(settings, monkeypatch, lists):
    monkeypatch.setattr(fragments, "MAX_KEPT", 3)
    for pledge in Pledge.objects.select_related("theme", "campaign"):
        fragments.render_fragment("pledges/_pledge_card.html", pledge=pledge)
    assert len(fragments._kept) == 3


KEPT_CALL = re.compile(r'(?:render_kept|row_fragment)\(\s*"([^"]+)"')


def fragment_templates() -> set[str]:
    """Templates rendered through core.fragments: by the {% fragment %} tag, render_kept() or
    row_fragment()."""
    found = set()
    for path in TEMPLATES:
        found.update(FRAGMENT_TAG.findall(path.read_text()))
    for path in ROOT.glob("*/*.py"):
        found.update(KEPT_CALL.findall(path.read_text()))
    return found


def test_no_template_has_a_comment_over_several_lines_that_would_print():
    """{# #} is for one line only: over several it is printed on the page as it is."""
    found = [
        f"{path.relative_to(ROOT)}:{path.read_text()[: m.start()].count(chr(10)) + 1}"
        for path in TEMPLATES
        for m in re.finditer(r"\{#(.*?)#\}", path.read_text(), re.S)
        if "\n" in m.group(1)
    ]
    assert found == []


def test_fragment_templates_read_only_their_arguments():
    """The rule in core/fragments.py: no request, user or context processor (queries: below)."""
    names = fragment_templates()
    assert {"pledges/_pledge_card.html", "ambassadors/_directory_card.html", "pledges/_impact_figures.html"} <= names
    forbidden = re.compile(r"\brequest\b|\buser\b|csrf_token|\bmessages\b|\bperms\b|service_name|\bnavigation\b")
    for name in names:
        source = next(p for p in TEMPLATES if p.as_posix().endswith("templates/" + name)).read_text()
        # An HTML landmark (the page links' <nav role="navigation">) is not the context's `navigation`.
        source = source.replace('role="navigation"', "")
        assert not forbidden.search(source), name


@pytest.mark.parametrize("path", PAGES)
def test_list_pages_answer_with_the_shared_cache_down(client, lists, monkeypatch, path):
    """Their kept selects and filter forms are in each process's memory, not the shared cache."""
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    for method in ("get", "set", "add", "get_many", "set_many"):
        monkeypatch.setattr(cache, method, down)
    assert client.get(path).status_code == 200


def test_a_row_with_a_json_column_is_kept_and_its_json_is_part_of_the_key(lists):
    from organisations.models import Organisation

    organisation = Organisation.objects.select_related("commitment").first()
    commitment = organisation.commitment if hasattr(organisation, "commitment") else None
    key = fragments._key("organisations/_directory_item.html", {"organisation": organisation, "today": 1})
    assert key is not None
    if commitment is not None:
        changed = list(commitment.statements) + ["another"]
        commitment.statements = changed
        assert fragments._key("organisations/_directory_item.html", {"organisation": organisation, "today": 1}) != key


def test_arguments_that_cannot_be_keyed_are_rendered_every_time(lists):
    pledge = Pledge.objects.select_related("theme", "campaign").first()
    fragments.render_fragment("pledges/_pledge_card.html", pledge=pledge, extra={"a": [1, {2}]})
    assert not fragments._kept


@pytest.fixture
def queues(lists, moderator):
    """A held pledge with a claim on it, a reported pledge with two reports."""
    from moderation import services as moderation_services
    from pledges import services as pledge_services

    held = Pledge.objects.filter(done_at__isnull=True).first()  # the done card stays on the wall
    Pledge.objects.filter(pk=held.pk).update(status=Pledge.Status.HELD, held_reason="May contain a phone number")
    moderation_services.claim_take(item_type="pledge", item_id=held.pk, moderator=moderator)
    reported = Pledge.objects.filter(status=Pledge.Status.PUBLISHED).last()
    pledge_services.pledge_report(pledge=reported, reporter="ip:192.0.2.1", reason="spam", detail="An advert")
    pledge_services.pledge_report(pledge=reported, reporter="ip:192.0.2.2", reason="spam", detail="Selling things")
    return held, reported


QUEUES = [reverse("moderation:queue", args=["held-pledges"]), reverse("moderation:queue", args=["reported-pledges"])]


def test_no_fragment_runs_a_query_or_reads_the_request(client, queues, moderator, monkeypatch):
    """The rule in core/fragments.py, checked as each fragment renders on every list page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    render = fragments._render
    rendered = []

    def watched(template_name, arguments):
        with CaptureQueriesContext(connection) as queries:
            html = render(template_name, arguments)
        assert len(queries) == 0, (template_name, [q["sql"] for q in queries])
        rendered.append(template_name)
        return html

    monkeypatch.setattr(fragments, "_render", watched)
    for path in PAGES:
        assert client.get(path).status_code == 200
    client.force_login(moderator)
    for path in QUEUES:
        assert client.get(path).status_code == 200
    assert set(rendered) >= fragment_templates()


@pytest.mark.parametrize("path", QUEUES)
def test_moderation_queues_are_the_same_kept_or_rendered_and_show_a_new_report(client, queues, moderator, path):
    from pledges import services as pledge_services

    client.force_login(moderator)
    with override_settings(CORE_FRAGMENTS_KEPT=False):
        rendered = client.get(path)
    client.get(path)
    kept = client.get(path)
    token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')  # a fresh mask on every page
    assert token.sub(b"", kept.content) == token.sub(b"", rendered.content)
    assert b"Claimed by Morgan Moderator" in kept.content or b"Selling things" in kept.content
    _, reported = queues
    pledge_services.pledge_report(pledge=reported, reporter="ip:192.0.2.3", reason="spam", detail="A third report")
    again = client.get(path).content.decode()
    assert ("A third report" in again) == ("reported" in path)


def test_the_header_is_kept_per_section_and_signed_in_with_each_persons_own_token(client, lists, moderator):
    from django.test import Client

    sections = {
        reverse("pledges:index"): "Pledges",
        reverse("ambassadors:directory"): "Care Makers",
        reverse("organisations:directory"): "Social Care Commitment",
    }
    for _ in range(2):  # rendered and kept, then from what was kept
        for path, current in sections.items():
            html = client.get(path).content.decode()
            assert re.findall(r'aria-current="true">([^<]+)<', html) == [current], path
            assert "Sign in" in html and "Sign out" not in html
    headers = [key for key in fragments._kept if key[0] == "includes/header.html"]
    assert sorted(dict(key[1])["section"] for key in headers) == ["ambassadors", "organisations", "pledges"]

    # Signed in, the header is kept too (by section, staff tools and count), but the sign-out
    # form carries the token of each person's own page view, which signs them out.
    someone = UserFactory(email="someone@example.org")
    tokens = []
    for person, staff in ((moderator, True), (someone, False), (moderator, True)):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(person)
        html = browser.get(reverse("pledges:index")).content.decode()
        header = html[html.index("<header") : html.index("</header>")]
        assert "Sign out" in header and ("Staff tools" in header) is staff
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', header).group(1)
        assert token not in tokens
        tokens.append(token)
        assert browser.post(reverse("account_logout"), {"csrfmiddlewaretoken": token}).status_code == 302
        assert "_auth_user_id" not in browser.session
    assert len([key for key in fragments._kept if key[0] == "includes/header.html"]) == 5


def test_render_kept_works_out_its_arguments_once_per_key(settings):
    calls = []

    def arguments(n):
        def made():
            calls.append(n)
            return {"by_theme": [("Dementia", n)], "by_region": []}

        return made

    first = fragments.render_kept("pledges/_breakdown.html", ("totals", 7), arguments(7))
    again = fragments.render_kept("pledges/_breakdown.html", ("totals", 7), arguments(7))
    other = fragments.render_kept("pledges/_breakdown.html", ("totals", 8), arguments(8))
    assert first == again and "Dementia: 7" in first and "Dementia: 8" in other
    assert calls == [7, 8]
    settings.CORE_FRAGMENTS_KEPT = False
    fragments.render_kept("pledges/_breakdown.html", ("totals", 7), arguments(7))
    assert calls == [7, 8, 7]


def test_render_kept_with_no_key_renders_every_time_and_keeps_nothing():
    calls = []

    def arguments():
        calls.append(1)
        return {"by_theme": [("Dementia", 7)], "by_region": []}

    first = fragments.render_kept("pledges/_breakdown.html", None, arguments)
    assert fragments.render_kept("pledges/_breakdown.html", None, arguments) == first
    assert calls == [1, 1] and not fragments._kept


def test_a_directory_page_is_kept_for_its_filters_and_rendered_for_any_other_query(client, lists):
    def listings():
        return [key for key in fragments._kept if key[:2] == ("kept", "ambassadors/_directory_listing.html")]

    client.get(reverse("ambassadors:directory") + "?region=london&c=&page=1")
    assert len(listings()) == 1
    client.get(reverse("ambassadors:directory") + "?region=london&c=&page=1")
    client.get(reverse("ambassadors:directory") + "?region=london&c=&page=2")  # page 1 again: the same
    assert len(listings()) == 1
    for junk in ("?region=london&x=1", "?region=nowhere", "?region=london&region=london", "?q=a"):
        assert "Find a Care Maker" in client.get(reverse("ambassadors:directory") + junk).content.decode()
    assert len(listings()) == 1


def test_an_instance_from_a_row_has_its_columns_its_relation_and_defers_the_rest(lists, django_assert_num_queries):
    columns = ("id", "text", "theme__name", "theme__slug", "job_role")
    row = Pledge.objects.filter(done_at__isnull=False).values_list(*columns).get()
    with django_assert_num_queries(0):
        pledge = fragments.instance_from_row(Pledge, columns, row)
        assert (pledge.pk, pledge.text, pledge.job_role) == (row[0], row[1], row[4])
        assert (pledge.theme.name, pledge.theme.slug) == (row[2], row[3])
    with django_assert_num_queries(1):  # a column not in the row is deferred: reading it is a query
        assert pledge.done_at is not None
    nothing = fragments.instance_from_row(Pledge, ("id", "theme__name"), (row[0], None))
    assert Pledge.theme.field.get_cached_value(nothing) is None  # every column None: no related row
    with pytest.raises(ValueError):
        fragments.instance_from_row(Pledge, ("id", "reports__detail"), (row[0], "x"))


def test_a_reverse_one_to_one_from_a_row_is_the_row_or_none_as_select_related_leaves_it(lists):
    from organisations.models import Organisation

    columns = ("id", "name", "commitment__committed_on", "commitment__renewal_due_on")
    for row in Organisation.objects.values_list(*columns):
        made = fragments.instance_from_row(Organisation, columns, row)
        loaded = Organisation.objects.select_related("commitment").get(pk=row[0])
        has = hasattr(loaded, "commitment")
        assert hasattr(made, "commitment") == has
        if has:
            assert made.commitment.renewal_due_on == loaded.commitment.renewal_due_on


def test_a_kept_part_renders_once_per_value_and_every_time_when_not_to_be_kept(settings):
    from django.template import engines

    class Renders:
        count = 0

        def __str__(self):
            self.count += 1
            return ""

    page = engines["django"].from_string(
        '{% load fragments %}{% kept "part" n when=keep %}{{ n }}{{ renders }}{% endkept %}'
    )
    renders = Renders()
    assert [page.render({"n": n, "keep": True, "renders": renders}) for n in (1, 1, 2)] == ["1", "1", "2"]
    assert renders.count == 2  # rendered for 1 and for 2, the second 1 was kept
    page.render({"n": 1, "keep": False, "renders": renders})
    page.render({"n": object(), "keep": True, "renders": renders})  # no key from an object: rendered
    assert renders.count == 4
    settings.CORE_FRAGMENTS_KEPT = False
    page.render({"n": 1, "keep": True, "renders": renders})
    assert renders.count == 5


def test_the_wall_keeps_its_selects_only_for_values_that_are_choices(client, lists):
    def parts():
        return [key for key in fragments._kept if key[:2] == ("part", ("pledges/index.html", "selects"))]

    client.get(reverse("pledges:index") + "?q=kind&region=london")
    client.get(reverse("pledges:index") + "?q=care&region=london&r=2")
    assert len(parts()) == 1
    page = client.get(reverse("pledges:index") + "?region=nowhere&theme=made-up").content.decode()
    assert "Show pledges" in page and len(parts()) == 1


def test_a_kept_part_keeps_a_stand_in_for_its_csrf_token_and_each_render_has_its_own():
    from django.template import engines

    from core.csrf import SLOT

    page = engines["django"].from_string(
        '{% load fragments %}{% kept "form" n %}<form>{% csrf_token %}{{ n }}</form>{% endkept %}'
    )
    first = page.render({"n": 1, "csrf_token": "first-view-secret"})
    second = page.render({"n": 1, "csrf_token": "second-view-secret"})
    assert 'value="first-view-secret">1</form>' in first
    assert 'value="second-view-secret">1</form>' in second
    kept = [html for key, html in fragments._kept.items() if key[:2] == ("part", (None, "form"))]
    assert len(kept) == 1 and f'value="{SLOT}"' in kept[0] and "view-secret" not in kept[0]
    assert 'value="&lt;b&gt;"' in page.render({"n": 1, "csrf_token": "<b>"})  # escaped as Django does


def test_the_queue_page_is_kept_and_its_form_carries_each_moderators_own_token(queues, moderator):
    from django.test import Client

    held, _ = queues
    path = QUEUES[0]
    other = UserFactory(email="second-moderator@example.org", display_name="Sam Second")
    other.groups.add(moderator.groups.get(name="Moderators"))
    token = re.compile(
        r'<form method="post" novalidate>\s*<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"'
    )
    tokens = []
    for person in (moderator, other, moderator):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(person)
        tokens.append(token.search(browser.get(path).content.decode()).group(1))
    assert len(set(tokens)) == 3
    assert len([key for key in fragments._kept if key[:2] == ("part", ("moderation/queue.html", "queue"))]) == 1
    # The token on the page drawn from the kept copy is this moderator's own: it sends the decision.
    sent = browser.post(path, {"csrfmiddlewaretoken": tokens[-1], "items": [held.pk], "action": "publish"})
    assert sent.status_code == 302
    held.refresh_from_db()
    assert held.status == Pledge.Status.PUBLISHED
    assert f'value="{held.pk}"' not in browser.get(path).content.decode()


def test_a_vetted_part_is_checked_once_and_then_taken_as_it_is():
    part = fragments.vetted([("theme", [("", "All themes"), ("dementia", "Dementia")]), ("n", 3)])
    assert part == (("theme", (("", "All themes"), ("dementia", "Dementia"))), ("n", 3))
    assert fragments._value(part) is part
    assert fragments.vetted([("theme", object())]) is None  # not a plain value: never kept
