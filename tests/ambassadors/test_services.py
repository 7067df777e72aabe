from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.choices import JobRole, Region, Sector
from ambassadors import services
from ambassadors.models import (
    Application,
    CareMaker,
    Eligibility,
    EligibilityWaitlist,
    Story,
)
from counters.services import counter_values, counters_recount
from mail.models import Email
from moderation.models import Decision
from tests.ambassadors.factories import ApplicationFactory, CareMakerFactory, IntakeFactory, StoryFactory, words
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ACTIVE_KEYS = [
    "ambassadors:active",
    "ambassadors:active:region:south-west",
    "ambassadors:active:role:nurse",
    "ambassadors:active:sector:nhs-acute",
]


def form_data(**overrides):
    data = {
        "role": JobRole.NURSE,
        "sector": Sector.NHS_ACUTE,
        "organisation": "Exe Valley Hospital",
        "region": Region.SOUTH_WEST,
        "years_in_role": 3,
        "statement": words(60),
        "chosen_c": "courage",
        "agreed": True,
        "manager_name": "",
        "manager_email": "",
    }
    return {**data, **overrides}


def test_starting_eligibility_is_nursing_midwifery_hcas_nursing_associates_and_students():
    assert services.open_values(Eligibility.Kind.ROLE) == {
        "nurse",
        "midwife",
        "health-care-assistant",
        "nursing-associate",
        "student",
    }
    assert not services.is_eligible(role=JobRole.DOCTOR, sector=Sector.NHS_ACUTE)
    assert not services.is_eligible(role=JobRole.NURSE, sector=Sector.ADULT_SOCIAL_CARE)


def test_submit_makes_an_application_to_the_open_intake(supporter, intake):
    application = services.application_submit(user=supporter, data=form_data())
    assert application.intake == intake
    assert application.status == Application.Status.SUBMITTED


def test_submit_outside_an_intake_is_refused(supporter):
    IntakeFactory(opens_on=timezone.localdate() + timedelta(days=5), closes_on=timezone.localdate() + timedelta(days=9))
    with pytest.raises(ValidationError, match="closed"):
        services.application_submit(user=supporter, data=form_data())
    assert not Application.objects.exists()


def test_submit_from_a_closed_role_is_refused(supporter, intake):
    with pytest.raises(ValidationError, match="not open"):
        services.application_submit(user=supporter, data=form_data(role=JobRole.DOCTOR))


@pytest.mark.parametrize("count", [39, 151])
def test_submit_with_a_statement_outside_40_to_150_words_is_refused(supporter, intake, count):
    with pytest.raises(ValidationError, match="between 40 and 150"):
        services.application_submit(user=supporter, data=form_data(statement=words(count)))


@pytest.mark.parametrize("count", [40, 150])
def test_submit_accepts_statements_at_the_word_limits(supporter, intake, count):
    assert services.application_submit(user=supporter, data=form_data(statement=words(count)))


def test_a_second_open_application_is_refused(supporter, intake):
    services.application_submit(user=supporter, data=form_data())
    with pytest.raises(ValidationError, match="already have an application"):
        services.application_submit(user=supporter, data=form_data())
    assert Application.objects.filter(user=supporter).count() == 1


def test_database_allows_only_one_open_application_per_person(supporter, intake):
    ApplicationFactory(user=supporter, intake=intake)
    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicationFactory(user=supporter, intake=intake)


def test_after_withdrawing_a_person_can_apply_again(supporter, intake):
    first = services.application_submit(user=supporter, data=form_data())
    services.application_withdraw(application=first, user=supporter)
    second = services.application_submit(user=supporter, data=form_data())
    assert first.pk != second.pk


def test_withdrawing_a_decided_application_is_refused(supporter, intake, south_west_lead):
    application = ApplicationFactory(user=supporter, intake=intake)
    services.application_decide(action="approve", applications=[application], decider=south_west_lead)
    with pytest.raises(ValidationError):
        services.application_withdraw(application=application, user=supporter)


def test_a_manager_email_queues_one_endorsement_request(supporter, intake, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_submit(
            user=supporter, data=form_data(manager_name="Jo Boss", manager_email="jo@trust.example")
        )
    email = Email.objects.get(kind="care-makers-endorsement")
    assert email.to == "jo@trust.example"
    assert email.key == f"care-makers-endorsement:{application.pk}:first"


def test_endorsing_records_the_time_once(supporter, intake):
    application = ApplicationFactory(user=supporter, intake=intake, manager_name="Jo", manager_email="jo@x.example")
    token = services.endorse_token(application)
    first = services.application_endorse(token=token).endorsed_at
    second = services.application_endorse(token=token).endorsed_at
    assert first is not None and first == second


def test_a_tampered_endorsement_link_is_refused(supporter, intake):
    application = ApplicationFactory(user=supporter, intake=intake, manager_name="Jo", manager_email="jo@x.example")
    with pytest.raises(ValidationError, match="not valid"):
        services.application_endorse(token=services.endorse_token(application) + "x")
    application.refresh_from_db()
    assert application.endorsed_at is None


def test_approval_makes_a_care_maker_with_the_next_number_and_counts_them(
    supporter, intake, south_west_lead, django_capture_on_commit_callbacks, mailoutbox
):
    CareMakerFactory(number=41)
    application = ApplicationFactory(user=supporter, intake=intake)
    before = counter_values(ACTIVE_KEYS)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_decide(
            action="approve", applications=[application], decider=south_west_lead, note="Welcome"
        )
    care_maker = CareMaker.objects.get(user=supporter)
    assert care_maker.number == 42
    assert care_maker.intake == intake
    assert care_maker.joined_on == timezone.localdate()
    assert not care_maker.public_profile
    after = counter_values(ACTIVE_KEYS)
    assert all(after[key] == before[key] + 1 for key in ACTIVE_KEYS)
    decision = Decision.objects.get(item_type="application", item_id=application.pk)
    assert (decision.action, decision.actor, decision.note) == ("approve", south_west_lead, "Welcome")
    assert [m.to for m in mailoutbox] == [[supporter.email]]
    assert "Care Maker number 42" in mailoutbox[0].body


def test_decline_needs_a_reason_and_records_it(supporter, intake, south_west_lead, reason):
    application = ApplicationFactory(user=supporter, intake=intake)
    with pytest.raises(ValidationError):
        services.application_decide(applications=[application], decider=south_west_lead, action="decline")
    services.application_decide(
        action="decline", applications=[application], decider=south_west_lead, reason=reason, note="Try again"
    )
    application.refresh_from_db()
    assert application.status == Application.Status.DECLINED
    assert application.decline_reason == reason
    decision = Decision.objects.get(item_type="application", item_id=application.pk)
    assert (decision.action, decision.reason, decision.reason_label) == ("decline", reason, reason.label)
    assert not CareMaker.objects.filter(user=supporter).exists()


def test_a_lead_of_another_region_cannot_approve(supporter, intake, london_lead):
    application = ApplicationFactory(user=supporter, intake=intake, region=Region.SOUTH_WEST)
    with pytest.raises(PermissionDenied):
        services.application_decide(action="approve", applications=[application], decider=london_lead)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert not Decision.objects.exists()


def test_bulk_decision_outside_a_leads_regions_changes_nothing(intake, london_lead):
    mine = ApplicationFactory(intake=intake, region=Region.LONDON)
    theirs = ApplicationFactory(intake=intake, region=Region.WALES)
    with pytest.raises(PermissionDenied):
        services.application_decide(applications=[mine, theirs], decider=london_lead, action="approve")
    assert Application.objects.filter(status=Application.Status.SUBMITTED).count() == 2


def test_programme_admin_may_decide_any_region(intake, programme_admin):
    application = ApplicationFactory(intake=intake, region=Region.NORTHERN_IRELAND)
    result = services.application_decide(action="approve", applications=[application], decider=programme_admin)
    assert result["decided"] == [application]


def test_deciding_an_already_decided_application_is_skipped_not_repeated(
    intake, south_west_lead, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(intake=intake)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_decide(action="approve", applications=[application], decider=south_west_lead)
        result = services.application_decide(action="approve", applications=[application], decider=south_west_lead)
    assert result == {"decided": [], "already": [application]}
    assert CareMaker.objects.count() == 1
    assert Email.objects.filter(kind="care-makers-outcome").count() == 1
    assert counter_values(["ambassadors:active"])["ambassadors:active"] == 1


def test_bulk_approve_numbers_each_new_care_maker(intake, south_west_lead):
    applications = ApplicationFactory.create_batch(3, intake=intake)
    services.application_decide(applications=applications, decider=south_west_lead, action="approve")
    assert sorted(CareMaker.objects.values_list("number", flat=True)) == [1, 2, 3]


def test_widening_eligibility_emails_each_waiting_person_once(django_capture_on_commit_callbacks, mailoutbox):
    doctor = UserFactory(job_role=JobRole.DOCTOR)
    services.eligibility_wait(user=doctor, role=JobRole.DOCTOR, sector=Sector.NHS_ACUTE)
    services.eligibility_wait(user=doctor, role=JobRole.DOCTOR, sector=Sector.NHS_ACUTE)
    porter = UserFactory(job_role=JobRole.PORTER)
    services.eligibility_wait(user=porter, role=JobRole.PORTER, sector=Sector.NHS_ACUTE)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.eligibility_widen(kind="role", values=[JobRole.DOCTOR]) == 1
        assert services.eligibility_widen(kind="role", values=[JobRole.DOCTOR]) == 0
    assert [m.to for m in mailoutbox] == [[doctor.email]]
    assert services.is_eligible(role=JobRole.DOCTOR, sector=Sector.NHS_ACUTE)
    assert EligibilityWaitlist.objects.get(user=porter).notified_at is None


def test_waiting_for_a_role_and_a_closed_sector_waits_until_both_open(django_capture_on_commit_callbacks, mailoutbox):
    carer = UserFactory()
    services.eligibility_wait(user=carer, role=JobRole.CARE_WORKER, sector=Sector.ADULT_SOCIAL_CARE)
    with django_capture_on_commit_callbacks(execute=True):
        services.eligibility_widen(kind="role", values=[JobRole.CARE_WORKER])
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.eligibility_widen(kind="sector", values=[Sector.ADULT_SOCIAL_CARE])
    assert len(mailoutbox) == 1


def test_lapse_hides_a_care_maker_and_recommit_brings_them_back():
    care_maker = CareMakerFactory()
    assert services.caremaker_lapse(care_maker=care_maker)
    assert not services.caremaker_lapse(care_maker=care_maker)
    care_maker.refresh_from_db()
    assert not care_maker.active and care_maker.lapsed_at
    assert counter_values(ACTIVE_KEYS) == dict.fromkeys(ACTIVE_KEYS, 0)
    services.caremaker_recommit(care_maker=care_maker)
    services.caremaker_recommit(care_maker=care_maker)
    care_maker.refresh_from_db()
    assert care_maker.active and care_maker.lapsed_at is None
    assert counter_values(ACTIVE_KEYS) == dict.fromkeys(ACTIVE_KEYS, 1)


def test_a_tampered_recommit_link_is_refused():
    care_maker = CareMakerFactory()
    with pytest.raises(ValidationError):
        services.care_maker_from_recommit_token(services.recommit_token(care_maker)[:-2] + "zz")


def test_recount_finds_no_drift_after_the_services_and_repairs_drift():
    care_maker = CareMakerFactory()
    CareMakerFactory(region=Region.LONDON)
    services.caremaker_lapse(care_maker=care_maker)
    assert counters_recount(prefixes=["ambassadors:"]) == {}
    CareMakerFactory(counted=False)
    assert counters_recount(prefixes=["ambassadors:"])["ambassadors:active"] == (1, 2)
    assert counter_values(["ambassadors:active"])["ambassadors:active"] == 2


def test_story_with_personal_data_is_held_for_the_moderator():
    care_maker = CareMakerFactory()
    story = services.story_submit(care_maker=care_maker, c="care", title="Thanks", text="Ring me on 07700 900123")
    assert story.held and "phone number" in story.held_reasons
    clean = services.story_submit(care_maker=care_maker, c="care", title="Tea", text="We shared a pot of tea.")
    assert not clean.held and clean.status == Story.Status.SUBMITTED


def test_story_over_1500_characters_is_refused():
    with pytest.raises(ValidationError, match="1,500"):
        services.story_submit(care_maker=CareMakerFactory(), c="care", title="Long", text="x" * 1501)


def test_inactive_care_maker_cannot_post_a_story():
    care_maker = CareMakerFactory(active=False)
    with pytest.raises(ValidationError):
        services.story_submit(care_maker=care_maker, c="care", title="T", text="Text")


def test_publishing_a_story_emails_its_author_once(moderator, django_capture_on_commit_callbacks, mailoutbox):
    story = StoryFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.story_decide(action="publish", story=story, moderator=moderator)
        assert not services.story_decide(action="publish", story=story, moderator=moderator)
    story.refresh_from_db()
    assert story.status == Story.Status.PUBLISHED and story.moderated_by == moderator
    assert len(mailoutbox) == 1


def test_only_moderators_can_publish(outsider):
    with pytest.raises(PermissionDenied):
        services.story_decide(action="publish", story=StoryFactory(), moderator=outsider)


def test_rejected_story_stays_unpublished(moderator):
    story = StoryFactory()
    services.story_decide(action="reject", story=story, moderator=moderator)
    story.refresh_from_db()
    assert story.status == Story.Status.REJECTED and story.published_at is None


def test_approval_past_an_intakes_places_is_refused_and_nothing_changes(south_west_lead):
    intake = IntakeFactory(places=2)
    CareMakerFactory(intake=intake)
    first, second = ApplicationFactory.create_batch(2, intake=intake)
    with pytest.raises(ValidationError, match="2 places and 1 left"):
        services.application_decide(applications=[first, second], decider=south_west_lead, action="approve")
    assert CareMaker.objects.count() == 1
    services.application_decide(action="approve", applications=[first], decider=south_west_lead)
    assert CareMaker.objects.count() == 2


def test_the_55th_care_maker_is_recorded_as_a_milestone_once(south_west_lead, django_capture_on_commit_callbacks):
    from counters.milestones import rules_cache_clear
    from counters.models import Milestone, MilestoneRule

    MilestoneRule.objects.update_or_create(
        pattern="ambassadors:active",
        defaults={"label": "active Care Makers", "thresholds": [55, 100], "audience": "admins"},
    )
    rules_cache_clear()
    intake = IntakeFactory()
    for _ in range(54):
        CareMakerFactory(intake=intake)
    first, second = ApplicationFactory.create_batch(2, intake=intake)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_decide(action="approve", applications=[first], decider=south_west_lead)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_decide(action="approve", applications=[second], decider=south_west_lead)
    milestones = Milestone.objects.filter(key="ambassadors:active")
    assert [(m.threshold, m.value_at_crossing) for m in milestones] == [(55, 55)]
