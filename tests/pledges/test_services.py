from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from counters.services import counter_values, counters_recount
from pledges import keys as pledge_keys
from pledges import services
from pledges.models import Campaign, Pledge, PledgerCampaign, PledgeSettings, normalise_email, normalise_text
from tests.factories import UserFactory

from .factories import CampaignFactory, PledgeFactory

pytestmark = pytest.mark.django_db


def totals(campaign, *suffixes):
    keys = [pledge_keys.campaign(campaign.pk) + s for s in suffixes]
    values = counter_values(keys)
    return [values[k] for k in keys]


def submit_and_confirm(campaign, data, **overrides):
    result = services.pledge_submit(campaign=campaign, data={**data, **overrides})
    return services.pledge_confirm(pledge_id=result.pledge.pk)


@pytest.mark.parametrize(
    "raw,normal",
    [
        ("Jo.Bloggs+cp@Gmail.com", "jobloggs@gmail.com"),
        ("jo.bloggs@googlemail.com", "jobloggs@gmail.com"),
        ("jo.bloggs+x@hotmail.com", "jo.bloggs@hotmail.com"),
        ("jo+x@outlook.com", "jo@outlook.com"),
        ("jo.b+news@yahoo.com", "jo.b@yahoo.com"),
        ("jo.b+news@nhs.net", "jo.b+news@nhs.net"),
        ("  JO@Example.ORG ", "jo@example.org"),
    ],
)
def test_emails_are_normalised_for_duplicate_checks(raw, normal):
    assert normalise_email(raw) == normal


def test_near_duplicate_text_is_the_same_after_case_punctuation_and_spaces():
    assert normalise_text("I will  be KIND, always!") == normalise_text("i will be kind always")
    assert normalise_text("I will be kind") != normalise_text("I will be kinder")


def test_only_one_campaign_can_be_current(campaign):
    with pytest.raises(IntegrityError), transaction.atomic():
        CampaignFactory(is_current=True)
    assert Campaign.objects.filter(is_current=True).count() == 1


def test_submit_without_account_waits_for_confirmation_and_sends_one_email(
    campaign, service_data, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        result = services.pledge_submit(campaign=campaign, data=service_data)
    assert result.outcome == "unconfirmed"
    assert result.pledge.status == Pledge.Status.UNCONFIRMED
    assert len(mailoutbox) == 1
    assert totals(campaign, "total", "people") == [0, 0]


def test_a_new_pledges_confirmation_is_queued_without_a_savepoint_and_a_resend_with_one(campaign, service_data):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mail.models import Email

    with CaptureQueriesContext(connection) as first:
        result = services.pledge_submit(campaign=campaign, data=service_data)
    assert Email.objects.filter(key=f"pledge-confirm:{result.pledge.pk}:1").exists()
    with CaptureQueriesContext(connection) as again:
        assert services.pledge_submit(campaign=campaign, data=service_data).outcome == "resent"
    assert Email.objects.filter(key=f"pledge-confirm:{result.pledge.pk}:2").exists()

    def savepoints(queries):
        return [q["sql"] for q in queries if q["sql"].startswith("SAVEPOINT")]

    # The outer transaction is the test's own: pledge_submit's atomic block is a savepoint in it.
    assert len(savepoints(again.captured_queries)) == len(savepoints(first.captured_queries)) + 1


def test_confirm_publishes_and_counts_every_key(campaign, service_data):
    result = submit_and_confirm(campaign, service_data)
    assert result.outcome == "published"
    assert totals(campaign, "total", "people", "theme:dementia", "region:london", "role:nurse", "sector:nhs-acute") == [
        1,
        1,
        1,
        1,
        1,
        1,
    ]
    assert counters_recount(dry_run=True) == {}


def test_confirming_twice_is_harmless(campaign, service_data):
    first = submit_and_confirm(campaign, service_data)
    second = services.pledge_confirm(pledge_id=first.pledge.pk)
    assert second.outcome == "already"
    assert totals(campaign, "total") == [1]


def test_people_counts_a_person_once_across_their_pledges(campaign, service_data):
    submit_and_confirm(campaign, service_data)
    submit_and_confirm(campaign, service_data, text="I will take my full break every shift.")
    submit_and_confirm(campaign, service_data, email="someone.else@example.org")
    assert totals(campaign, "total", "people") == [3, 2]
    assert PledgerCampaign.objects.get(email_normalised="jo@example.org").pledges == 2
    assert counters_recount(dry_run=True) == {}


def test_signed_in_verified_user_publishes_at_once(campaign, service_data, supporter, mailoutbox):
    result = services.pledge_submit(campaign=campaign, data=service_data, user=supporter)
    assert result.outcome == "published"
    assert result.pledge.user == supporter
    assert result.pledge.email == supporter.email
    assert mailoutbox == []


def test_signed_in_user_without_verified_email_confirms_by_email(campaign, service_data):
    user = UserFactory(verified_email=False)
    result = services.pledge_submit(campaign=campaign, data=service_data, user=user)
    assert result.outcome == "unconfirmed"
    assert result.pledge.email == user.email


def test_pledge_with_nhs_number_is_held_and_not_counted(campaign, service_data, supporter):
    result = services.pledge_submit(
        campaign=campaign,
        data={**service_data, "text": "I will help the man with NHS number 943 476 5919."},
        user=supporter,
    )
    assert result.outcome == "held"
    assert "an NHS number" in result.found
    assert result.pledge.status == Pledge.Status.HELD
    assert totals(campaign, "total") == [0]


def test_pre_moderation_holds_every_pledge(campaign, service_data, supporter):
    PledgeSettings.objects.update_or_create(pk=1, defaults={"pre_moderation": True})
    result = services.pledge_submit(campaign=campaign, data=service_data, user=supporter)
    assert result.outcome == "held"
    assert result.pledge.held_reason == "Pre-moderation is on"


def test_same_text_from_same_person_is_a_duplicate_not_a_copy(campaign, service_data):
    submit_and_confirm(campaign, service_data)
    again = services.pledge_submit(
        campaign=campaign,
        data={
            **service_data,
            "email": "JO@example.org",
            "text": "i will learn more about dementia, and share it with my team",
        },
    )
    assert again.outcome == "duplicate"
    assert Pledge.objects.count() == 1


def test_gmail_dots_and_tags_count_as_the_same_person(campaign, service_data):
    submit_and_confirm(campaign, service_data, email="jo.bloggs@gmail.com")
    again = services.pledge_submit(campaign=campaign, data={**service_data, "email": "Jo.Bloggs+work@googlemail.com"})
    assert again.outcome == "duplicate"


def test_repledging_unconfirmed_resends_the_link_at_most_three_times(
    campaign, service_data, django_capture_on_commit_callbacks, mailoutbox
):
    outcomes = []
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            outcomes.append(services.pledge_submit(campaign=campaign, data=service_data).outcome)
    assert outcomes == ["unconfirmed", "resent", "resent", "resend-limit", "resend-limit"]
    assert len(mailoutbox) == 3
    assert Pledge.objects.count() == 1


def test_after_seven_days_repledging_sends_a_fresh_link(campaign, service_data):
    first = services.pledge_submit(campaign=campaign, data=service_data)
    Pledge.objects.filter(pk=first.pledge.pk).update(
        confirm_sends=3, confirm_sent_at=timezone.now() - timedelta(days=8)
    )
    assert services.pledge_submit(campaign=campaign, data=service_data).outcome == "resent"


def test_confirm_token_expires_after_seven_days(campaign, service_data, monkeypatch):
    from django.core import signing

    pledge = services.pledge_submit(campaign=campaign, data=service_data).pledge
    token = services.confirm_token(pledge)
    assert services.confirm_token_read(token) == pledge.pk
    later = timezone.now().timestamp() + 8 * 24 * 3600
    monkeypatch.setattr("time.time", lambda: later)
    with pytest.raises(signing.SignatureExpired):
        services.confirm_token_read(token)


def test_submitting_outside_the_window_is_refused(service_data):
    closed = CampaignFactory(closed=True, is_current=True)
    with pytest.raises(services.PledgeError):
        services.pledge_submit(campaign=closed, data=service_data)


def test_join_makes_a_linked_pledge_and_counts_on_the_original(campaign, service_data, supporter):
    original = submit_and_confirm(campaign, service_data).pledge
    joined = services.pledge_join(original=original, data={**service_data, "email": "x@example.org"}, user=supporter)
    assert joined.outcome == "published"
    assert joined.pledge.joined_from == original
    assert joined.pledge.text == original.text
    original.refresh_from_db()
    assert original.joins_count == 1
    assert totals(campaign, "total", "people") == [2, 2]


def test_one_join_per_person_per_pledge(campaign, service_data, supporter):
    original = submit_and_confirm(campaign, service_data).pledge
    services.pledge_join(original=original, data=service_data, user=supporter)
    again = services.pledge_join(original=original, data=service_data, user=supporter)
    assert again.outcome == "duplicate"
    assert Pledge.objects.filter(joined_from=original).count() == 1


def test_joining_your_own_pledge_is_refused(campaign, service_data):
    original = submit_and_confirm(campaign, service_data).pledge
    with pytest.raises(services.PledgeError):
        services.pledge_join(original=original, data=service_data)


def test_database_refuses_a_second_join_by_the_same_person(campaign):
    original = PledgeFactory()
    PledgeFactory(joined_from=original, email="a@example.org", text=original.text + " ")
    with pytest.raises(IntegrityError), transaction.atomic():
        PledgeFactory(joined_from=original, email="A@example.org", text="Another wording entirely here")


def test_mark_done_counts_once_and_keeps_the_story(campaign, service_data):
    pledge = submit_and_confirm(campaign, service_data).pledge
    services.pledge_mark_done(pledge=pledge, story="We did it.")
    services.pledge_mark_done(pledge=pledge, story="We did it, and more.")
    pledge.refresh_from_db()
    assert pledge.done_story == "We did it, and more."
    assert totals(campaign, "done") == [1]
    assert counters_recount(dry_run=True) == {}


def test_done_story_with_a_phone_number_is_refused(campaign, service_data):
    pledge = submit_and_confirm(campaign, service_data).pledge
    with pytest.raises(services.PledgeError):
        services.pledge_mark_done(pledge=pledge, story="Ring me on 07700 900123")


def test_withdraw_leaves_the_wall_and_every_total(campaign, service_data):
    pledge = submit_and_confirm(campaign, service_data).pledge
    services.pledge_mark_done(pledge=pledge)
    assert services.pledge_withdraw(pledge=pledge)
    assert not services.pledge_withdraw(pledge=pledge)
    assert totals(campaign, "total", "people", "done", "theme:dementia") == [0, 0, 0, 0]
    assert counters_recount(dry_run=True) == {}


def test_withdrawn_join_no_longer_counts_on_the_original(campaign, service_data, supporter):
    original = submit_and_confirm(campaign, service_data).pledge
    joined = services.pledge_join(original=original, data=service_data, user=supporter).pledge
    services.pledge_withdraw(pledge=joined)
    original.refresh_from_db()
    assert original.joins_count == 0


def test_three_different_reporters_one_signed_in_hide_a_pledge(campaign, service_data):
    pledge = submit_and_confirm(campaign, service_data).pledge
    assert services.pledge_report(pledge=pledge, reporter="ip:a", reason="spam")
    assert not services.pledge_report(pledge=pledge, reporter="ip:a", reason="spam")
    services.pledge_report(pledge=pledge, reporter="user:1", reason="offensive")
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.PUBLISHED
    services.pledge_report(pledge=pledge, reporter="ip:b", reason="other")
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.HIDDEN
    assert totals(campaign, "total") == [0]


def test_moderator_publishing_a_held_pledge_counts_it(campaign, service_data, supporter, moderator):
    held = services.pledge_submit(
        campaign=campaign, data={**service_data, "text": "Call me on 07700 900123 to join in"}, user=supporter
    ).pledge
    assert services.pledge_decide(action="publish", pledge=held, moderator=moderator)
    assert totals(campaign, "total") == [1]
    assert counters_recount(dry_run=True) == {}


def test_recount_repairs_drift(campaign, service_data):
    pledge = submit_and_confirm(campaign, service_data).pledge
    Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.REJECTED)  # behind the services' back
    drift = counters_recount()
    assert drift[pledge_keys.total(campaign.pk)] == (1, 0)
    assert counters_recount(dry_run=True) == {}


def test_emoji_and_non_latin_text_is_kept_as_typed(campaign, service_data):
    text = "Byddaf yn dysgu Cymraeg 🙂 и буду добрее 我会更耐心"
    pledge = submit_and_confirm(campaign, service_data, text=text).pledge
    pledge.refresh_from_db()
    assert pledge.text == text


def test_a_pledge_with_news_records_its_region_for_regional_milestones(campaign, service_data):
    from mail.models import MailPreference
    from pledges import services as pledge_services

    data = {**service_data, "region": "wales", "news_opt_in": True}
    pledge = pledge_services.pledge_submit(campaign=campaign, data=data, user=None).pledge
    pledge_services.pledge_confirm(pledge_id=pledge.pk)
    preference = MailPreference.objects.get(email=pledge.email)
    assert preference.campaign_news and preference.region == "wales"
