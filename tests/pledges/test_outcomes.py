"""The outcome follow-up: answers through the services, their kept totals, and the job that asks."""

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.core.management import call_command
from django.utils import timezone

from counters.services import counter_values_with_prefix, counters_recount
from mail.models import Email, MailPreference
from mail.reminders import reminder_job, reminders_run
from pledges import keys as pledge_keys
from pledges import outcomes
from pledges.models import OutcomeQuestionSet, PledgeOutcome
from pledges.outcomes import OutcomeError, outcome_question_set, outcome_record, outcome_withdraw

from .factories import CampaignFactory, PledgeFactory

pytestmark = pytest.mark.django_db

ANSWERS = {"benefit": ["patients", "colleagues"], "reach": "team", "ongoing": "yes", "change": "", "publish": False}


def ago(days):
    return timezone.now() - timedelta(days=days)


def kept(campaign) -> dict[str, int]:
    """The campaign's outcome totals, without the breakdowns by theme, role, sector and region."""
    totals = counter_values_with_prefix(pledge_keys.outcomes(campaign.pk))
    return {k: v for k, v in totals.items() if v and ":by:" not in k}


def made(*pledges):
    """Factory pledges skip the pledge totals: bring those in line, so any drift left is the outcomes'."""
    counters_recount()
    return pledges[0] if len(pledges) == 1 else pledges


def record(pledge, **answers):
    return outcome_record(
        pledge=pledge, question_set=outcome_question_set(pledge.campaign), answers={**ANSWERS, **answers}
    )


def test_the_default_question_set_is_seeded_and_asks_the_four_questions(campaign):
    question_set = outcome_question_set(campaign)
    assert question_set.campaign is None and question_set.version == 1
    assert [v for v, _ in question_set.choices("benefit")] == ["patients", "carers", "colleagues", "me"]
    assert [v for v, _ in question_set.choices("reach")] == ["me", "team", "organisation", "beyond"]
    assert [v for v, _ in question_set.choices("ongoing")] == ["yes", "partly", "no"]


def test_recording_an_answer_counts_it_in_the_same_transaction(campaign):
    pledge = made(PledgeFactory())
    record(pledge, change="Handover is calmer now.", publish=True)
    base = pledge_keys.outcomes(campaign.pk)
    assert kept(campaign) == {
        f"{base}answered": 1,
        f"{base}benefit:patients": 1,
        f"{base}benefit:colleagues": 1,
        f"{base}reach:team": 1,
        f"{base}ongoing:yes": 1,
        f"{base}published": 1,
    }
    assert counters_recount(dry_run=True) == {}


def test_changing_an_answer_moves_the_totals_and_does_not_count_the_person_twice(campaign):
    pledge = made(PledgeFactory())
    record(pledge, change="Handover is calmer now.", publish=True)
    record(pledge, benefit=["carers"], reach="beyond", ongoing="partly")
    base = pledge_keys.outcomes(campaign.pk)
    assert kept(campaign) == {
        f"{base}answered": 1,
        f"{base}benefit:carers": 1,
        f"{base}reach:beyond": 1,
        f"{base}ongoing:partly": 1,
    }
    assert PledgeOutcome.objects.get().publish_change is False
    assert counters_recount(dry_run=True) == {}


def test_withdrawing_deletes_the_answers_and_takes_them_out_of_the_totals(campaign):
    pledge, other = made(PledgeFactory(), PledgeFactory())
    record(pledge, change="Handover is calmer now.", publish=True)
    record(other)
    assert outcome_withdraw(pledge=pledge) is True
    assert outcome_withdraw(pledge=pledge) is False
    assert not PledgeOutcome.objects.filter(pledge=pledge).exists()
    base = pledge_keys.outcomes(campaign.pk)
    assert kept(campaign) == {
        f"{base}answered": 1,
        f"{base}benefit:patients": 1,
        f"{base}benefit:colleagues": 1,
        f"{base}reach:team": 1,
        f"{base}ongoing:yes": 1,
    }
    assert counters_recount(dry_run=True) == {}


def test_a_sentence_with_personal_data_is_refused_and_nothing_is_counted(campaign):
    pledge = PledgeFactory()
    with pytest.raises(OutcomeError, match="What changed must not include a phone number"):
        record(pledge, change="Ring me on 07700 900123 to hear more", publish=True)
    assert not PledgeOutcome.objects.exists() and kept(campaign) == {}


@pytest.mark.parametrize(
    "answers, message",
    [
        ({"benefit": []}, "Select who benefited"),
        ({"benefit": ["aliens"]}, "Select who benefited"),
        ({"reach": "moon"}, "Select how far it reached"),
        ({"ongoing": ""}, "Select whether it is still going"),
        ({"publish": True, "change": "  "}, "Write what changed"),
        ({"change": "x" * 281}, "280 characters or fewer"),
    ],
)
def test_answers_outside_the_question_set_are_refused(campaign, answers, message):
    with pytest.raises(OutcomeError, match=message):
        record(PledgeFactory(), **answers)


def test_a_withdrawn_pledge_cannot_be_answered_about(campaign):
    with pytest.raises(OutcomeError):
        record(PledgeFactory(status="withdrawn"))


def test_an_answer_keeps_the_version_it_answered_when_the_admin_edits_the_questions(campaign):
    pledge = PledgeFactory()
    first = outcome_question_set(campaign)
    record(pledge)
    edited = OutcomeQuestionSet.objects.get(pk=first.pk)
    edited.questions["reach"]["label"] = "How widely did it spread?"
    outcomes.outcome_question_set_save(question_set=edited)
    assert edited.pk != first.pk and edited.version == 2
    first.refresh_from_db()
    assert first.is_active is False and first.questions["reach"]["label"] == "How far did it reach?"
    assert PledgeOutcome.objects.get().question_set == first
    assert outcome_question_set(campaign) == edited
    # A changed answer takes the set the page showed.
    record(pledge, ongoing="no")
    assert PledgeOutcome.objects.get().question_set == edited


def test_a_campaign_can_have_its_own_question_set(campaign):
    own = outcomes.outcome_question_set_save(question_set=OutcomeQuestionSet(campaign=campaign))
    assert own.version == 1 and outcome_question_set(campaign) == own
    assert outcome_question_set(CampaignFactory()).campaign is None


def test_a_question_set_without_choices_is_refused_in_the_admin(campaign):
    from django.core.exceptions import ValidationError

    broken = OutcomeQuestionSet(questions={**outcome_question_set(campaign).questions, "reach": {"label": "How far?"}})
    with pytest.raises(ValidationError, match="Give reach its choices"):
        broken.clean()


def test_one_outcome_per_pledge_is_kept_by_the_database(campaign):
    from django.db import IntegrityError

    pledge = PledgeFactory()
    outcome = record(pledge)
    with pytest.raises(IntegrityError):
        PledgeOutcome.objects.create(
            pledge=pledge,
            campaign=campaign,
            question_set=outcome.question_set,
            benefit=["me"],
            reach="me",
            ongoing="no",
        )


def test_recount_repairs_drift_in_the_outcome_totals(campaign):
    record(made(PledgeFactory()), benefit=["carers"])
    PledgeOutcome.objects.update(reach="beyond")  # behind the services' back
    drift = counters_recount()
    assert drift == {
        pledge_keys.outcome_choice(campaign.pk, "reach", "team"): (1, 0),
        pledge_keys.outcome_choice(campaign.pk, "reach", "beyond"): (0, 1),
    }
    assert counters_recount(dry_run=True) == {}


def test_a_burst_of_answers_changes_and_withdrawals_leaves_no_drift(campaign):
    pledges = made(*PledgeFactory.create_batch(12))
    for n, pledge in enumerate(pledges):
        record(pledge, benefit=[["patients"], ["carers", "me"], ["colleagues"]][n % 3], reach=["me", "team"][n % 2])
    for pledge in pledges[::3]:
        record(pledge, ongoing="partly", change="Things are better.", publish=True)
    for pledge in pledges[::4]:
        outcome_withdraw(pledge=pledge)
    assert counters_recount(dry_run=True) == {}
    assert kept(campaign)[pledge_keys.outcomes_answered(campaign.pk)] == PledgeOutcome.objects.count() == 9


# --- The job -------------------------------------------------------------------------


@pytest.fixture
def due(campaign, past_campaign):
    past_campaign.closes_at = ago(15)
    past_campaign.save()
    return {
        "done": PledgeFactory(published_at=ago(120), done_at=ago(91), text="I will say thank you & mean it"),
        "closed": PledgeFactory(campaign=past_campaign, published_at=ago(100)),
        "done_recently": PledgeFactory(published_at=ago(120), done_at=ago(30)),
        "done_long_ago": PledgeFactory(published_at=ago(400), done_at=ago(300)),
        "open_campaign_not_done": PledgeFactory(published_at=ago(120)),
        "withdrawn": PledgeFactory(status="withdrawn", published_at=ago(120), done_at=ago(91)),
        "closed_just_now": PledgeFactory(
            campaign=CampaignFactory(closed=True), published_at=ago(100)
        ),  # closed a day ago: not yet
    }


def run_job(**kwargs) -> int:
    return len(reminders_run(reminder_job("pledge-outcome"), **kwargs).queued)


def test_due_pledgers_get_one_email_and_a_second_run_sends_none(due, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        assert run_job() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert run_job() == 0
    assert sorted(m.to[0] for m in mailoutbox) == sorted([due["done"].email, due["closed"].email])
    due["done"].refresh_from_db()
    assert due["done"].outcome_asked_at is not None


def test_a_pledge_already_answered_is_not_asked(due):
    record(due["done"])
    assert run_job() == 1


def test_dry_run_sends_nothing_and_marks_nothing(due, capsys):
    call_command("send_reminders", "pledge-outcome", "--dry-run")
    assert "reminders pledge-outcome: would queue 2" in capsys.readouterr().out
    assert Email.objects.count() == 0
    due["done"].refresh_from_db()
    assert due["done"].outcome_asked_at is None


def test_people_who_turned_reminders_off_are_not_asked(due):
    MailPreference.objects.create(email=due["done"].email, reminders=False)
    assert run_job() == 1


def test_both_parts_of_the_email_carry_the_signed_link_and_escape(due, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        run_job()
    message = next(m for m in mailoutbox if m.to == [due["done"].email])
    html = message.alternatives[0][0]
    assert message.subject == "What did your pledge change? Change Day 2027"
    assert "I will say thank you & mean it" in message.body and "I will say thank you &amp; mean it" in html
    token = re.search(r"/pledges/outcome/([^/\s]+)/", message.body).group(1)
    assert f"/pledges/outcome/{token}/" in html
    assert outcomes.outcome_token_read(token) == due["done"].pk
    assert "/email/unsubscribe/" in message.body and "List-Unsubscribe" in message.extra_headers


def test_a_token_for_another_purpose_is_not_an_outcome_link(campaign):
    from pledges.services import manage_token

    with pytest.raises(signing.BadSignature):
        outcomes.outcome_token_read(manage_token(PledgeFactory()))


def test_an_answer_with_nobody_benefiting_is_refused_by_the_database(campaign):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        PledgeOutcome.objects.create(
            pledge=PledgeFactory(), campaign=campaign, question_set=outcome_question_set(campaign), benefit=[]
        )


def test_editing_an_answered_set_in_the_admin_saves_a_new_version(admin_client, campaign):
    import json

    first = record(PledgeFactory()).question_set
    questions = {**first.questions, "ongoing": {**first.questions["ongoing"], "label": "Does it carry on?"}}
    response = admin_client.post(
        f"/admin/pledges/outcomequestionset/{first.pk}/change/",
        {"campaign": "", "questions": json.dumps(questions), "is_active": "on"},
        follow=True,
    )
    assert response.status_code == 200
    assert "saved as version 2" in response.content.decode()
    first.refresh_from_db()
    assert first.questions["ongoing"]["label"] == "Is it still going?" and not first.is_active
    assert outcome_question_set(campaign).question("ongoing")["label"] == "Does it carry on?"


def test_the_admin_refuses_a_set_with_a_question_missing(admin_client, campaign):
    import json

    questions = {k: v for k, v in outcome_question_set(campaign).questions.items() if k != "reach"}
    response = admin_client.post(
        "/admin/pledges/outcomequestionset/add/", {"campaign": campaign.pk, "questions": json.dumps(questions)}
    )
    assert response.status_code == 200 and "Add the question reach." in response.content.decode()
    assert OutcomeQuestionSet.objects.count() == 1
