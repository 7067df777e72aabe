from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.choices import JobRole, Region, Sector
from ambassadors import services
from ambassadors.models import Application, CareMaker, EligibilityWaitlist, Story
from counters.services import counter_values
from tests.ambassadors.factories import ApplicationFactory, CareMakerFactory, IntakeFactory, StoryFactory, words
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

APPLY = reverse("ambassadors:apply")


def apply_data(**overrides):
    data = {
        "role": JobRole.NURSE,
        "sector": Sector.NHS_ACUTE,
        "organisation": "Exe Valley Hospital",
        "region": Region.SOUTH_WEST,
        "years_in_role": "3",
        "statement": words(60),
        "chosen_c": "courage",
        "agreed": "on",
        "manager_name": "",
        "manager_email": "",
    }
    return {**data, **overrides}


# --- Landing page -------------------------------------------------------------------


def test_landing_page_explains_care_makers_and_the_6cs(client, intake):
    html = client.get(reverse("ambassadors:index")).content.decode()
    for c in ("Care", "Compassion", "Competence", "Communication", "Courage", "Commitment"):
        assert f'<dt class="nhsuk-summary-list__key">{c}</dt>' in html
    assert "Winter intake" in html
    assert 'role="status"' in html


def test_landing_page_records_the_pilot_intake_size(client):
    IntakeFactory(
        name="2012 pilot",
        is_pilot=True,
        recorded_size=55,
        recorded_applications=250,
        opens_on=timezone.datetime(2012, 9, 1).date(),
        closes_on=timezone.datetime(2012, 10, 31).date(),
    )
    html = client.get(reverse("ambassadors:index")).content.decode()
    assert "about 55 Care Makers" in html and "about 250 applications" in html


# --- Apply --------------------------------------------------------------------------


def test_apply_asks_anonymous_people_to_sign_in(client, intake):
    response = client.get(APPLY)
    assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_apply_needs_a_confirmed_email(client, intake):
    user = UserFactory(verified_email=False)
    client.force_login(user)
    response = client.get(APPLY)
    assert response.status_code == 403
    assert "Confirm your email address" in response.content.decode()


def test_apply_form_shows_a_live_word_count_and_the_6cs(client, supporter, intake):
    client.force_login(supporter)
    html = client.get(APPLY).content.decode()
    assert 'data-maxwords="150"' in html and "nhsuk-character-count" in html
    assert "Listening as well as talking" in html


def test_supporter_applies_and_sees_the_status(client, supporter, intake):
    client.force_login(supporter)
    response = client.post(APPLY, apply_data())
    assert response.status_code == 302 and response["Location"] == reverse("ambassadors:my_application")
    html = client.get(response["Location"]).content.decode()
    assert "Waiting for a decision" in html and "Winter intake" in html


@pytest.mark.parametrize(
    "statement,message", [(words(39), "at least 40 words (it is 39)"), (words(151), "150 words or fewer (it is 151)")]
)
def test_statement_outside_word_limits_shows_an_error_and_keeps_what_was_typed(
    client, supporter, intake, statement, message
):
    client.force_login(supporter)
    response = client.post(APPLY, apply_data(statement=statement, organisation="Mersey <General>"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert 'href="#id_statement"' in html and message in html
    assert "word38" in html and "Mersey &lt;General&gt;" in html
    assert not Application.objects.exists()


def test_missing_agreement_and_c_are_errors(client, supporter, intake):
    client.force_login(supporter)
    data = apply_data()
    del data["agreed"], data["chosen_c"]
    html = client.post(APPLY, data).content.decode()
    assert "You must agree to demonstrate and advocate all 6Cs" in html
    assert 'href="#id_chosen_c_0"' in html


def test_closed_role_is_told_so_and_offered_to_be_emailed(client, supporter, intake):
    client.force_login(supporter)
    response = client.post(APPLY, apply_data(role=JobRole.DOCTOR))
    html = response.content.decode()
    assert "Applications are not open yet for the role you chose: Doctor" in html
    assert "Email me when it opens" in html
    assert not Application.objects.exists()
    response = client.post(reverse("ambassadors:waitlist"), {"role": JobRole.DOCTOR, "sector": Sector.NHS_ACUTE})
    assert response.status_code == 302
    assert EligibilityWaitlist.objects.filter(user=supporter, role=JobRole.DOCTOR).exists()
    # Back on the apply page for that role: told it is noted, not offered the button again.
    html = client.get(response["Location"]).content.decode()
    assert "We will email you once" in html and "You have asked us to email you when it opens." in html
    assert "Email me when it opens" not in html


def test_person_whose_profile_role_is_closed_sees_the_notice_instead_of_the_form(client, intake):
    doctor = UserFactory(job_role=JobRole.DOCTOR, sector=Sector.NHS_ACUTE)
    client.force_login(doctor)
    html = client.get(APPLY).content.decode()
    assert "Who can apply" in html
    assert "not open yet for your role and sector: Doctor, NHS acute" in html
    # Not asked to write an application they cannot send: no statement box, only a check.
    assert 'name="statement"' not in html
    assert 'id="check_role"' in html and 'for="check_role"' in html
    # One element per id: the "email me" form's hidden inputs and the check's selects leave
    # id_role and id_sector to the application's selects.
    assert 'id="id_role"' not in html
    assert 'id="waitlist_role"' in html and 'id="waitlist_sector"' in html


def test_who_can_apply_is_listed_before_the_form_and_a_check_opens_it(client, intake):
    doctor = UserFactory(job_role=JobRole.DOCTOR, sector=Sector.NHS_ACUTE)
    client.force_login(doctor)
    data = apply_data()
    html = client.get(APPLY, {"role": data["role"], "sector": data["sector"]}).content.decode()
    assert html.index("Who can apply") < html.index('name="statement"')
    assert JobRole(data["role"]).label in html
    assert html.count('id="id_role"') == 1 and html.count('id="id_sector"') == 1
    assert f'<option value="{data["role"]}" selected>' in html
    assert "not open yet" not in html


def test_outside_an_intake_the_page_says_when_the_next_opens(client, supporter):
    IntakeFactory(
        name="Spring intake",
        opens_on=timezone.localdate() + timedelta(days=20),
        closes_on=timezone.localdate() + timedelta(days=50),
    )
    client.force_login(supporter)
    html = client.get(APPLY).content.decode()
    assert "Spring intake" in html and "opens on" in html


def test_a_second_application_is_sent_to_the_first(client, supporter, intake):
    ApplicationFactory(user=supporter, intake=intake)
    client.force_login(supporter)
    response = client.post(APPLY, apply_data())
    assert response.status_code == 302 and response["Location"] == reverse("ambassadors:my_application")
    assert Application.objects.filter(user=supporter).count() == 1


def test_applicant_withdraws(client, supporter, intake):
    application = ApplicationFactory(user=supporter, intake=intake)
    client.force_login(supporter)
    response = client.post(reverse("ambassadors:withdraw"), follow=True)
    assert "has been withdrawn" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN


def test_withdraw_with_nothing_open_is_a_clear_error(client, supporter):
    client.force_login(supporter)
    response = client.post(reverse("ambassadors:withdraw"), follow=True)
    assert "no application waiting" in response.content.decode()


# --- Endorsement ----------------------------------------------------------------------


def test_endorsement_link_shows_a_button_and_only_post_endorses(client, intake):
    application = ApplicationFactory(intake=intake, manager_name="Jo", manager_email="jo@trust.example")
    url = services.endorse_path(application)
    response = client.get(url)
    assert response.status_code == 200 and "Endorse this application" in response.content.decode()
    application.refresh_from_db()
    assert application.endorsed_at is None
    response = client.post(url)
    assert "Thank you for your endorsement" in response.content.decode()
    application.refresh_from_db()
    assert application.endorsed_at is not None


def test_tampered_endorsement_link_is_a_clear_message(client, intake):
    application = ApplicationFactory(intake=intake, manager_name="Jo", manager_email="jo@trust.example")
    response = client.post(services.endorse_path(application).rstrip("/") + "x/")
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()


# --- Review ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["supporter", "ambassador", "moderator", "outsider", "org_rep"])
def test_people_who_are_not_leads_or_admins_cannot_see_the_queue(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("ambassadors:review")).status_code == 403


def test_review_queue_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("ambassadors:review"))
    assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_lead_sees_only_their_regions_oldest_first(client, london_lead, intake):
    newer = ApplicationFactory(intake=intake, region=Region.LONDON, user=UserFactory(display_name="Newer Person"))
    older = ApplicationFactory(intake=intake, region=Region.LONDON, user=UserFactory(display_name="Older Person"))
    Application.objects.filter(pk=older.pk).update(submitted_at=timezone.now() - timedelta(days=5))
    ApplicationFactory(intake=intake, region=Region.WALES, user=UserFactory(display_name="Welsh Person"))
    client.force_login(london_lead)
    html = client.get(reverse("ambassadors:review")).content.decode()
    assert html.index("Older Person") < html.index("Newer Person")
    assert "Welsh Person" not in html
    assert newer


def test_programme_admin_sees_every_region_and_filters(client, programme_admin, intake):
    ApplicationFactory(intake=intake, region=Region.WALES, user=UserFactory(display_name="Welsh Person"))
    ApplicationFactory(
        intake=intake, region=Region.LONDON, role=JobRole.MIDWIFE, user=UserFactory(display_name="London Midwife")
    )
    client.force_login(programme_admin)
    html = client.get(reverse("ambassadors:review")).content.decode()
    assert "Welsh Person" in html and "London Midwife" in html
    html = client.get(reverse("ambassadors:review"), {"role": JobRole.MIDWIFE}).content.decode()
    assert "Welsh Person" not in html and "London Midwife" in html


def test_review_queue_query_count_is_bounded(client, programme_admin, intake, django_assert_max_num_queries):
    ApplicationFactory.create_batch(15, intake=intake)
    client.force_login(programme_admin)
    with django_assert_max_num_queries(12):
        client.get(reverse("ambassadors:review"))


def test_lead_approves_one_and_the_applicant_is_emailed(
    client, south_west_lead, intake, mailoutbox, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(intake=intake)
    client.force_login(south_west_lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ambassadors:review_detail", args=[application.pk]), {"decision": "approve"})
    assert response.status_code == 302
    assert CareMaker.objects.filter(user=application.user).exists()
    assert mailoutbox[0].to == [application.user.email]


def test_decline_without_reason_is_an_error_on_the_field(client, south_west_lead, intake):
    application = ApplicationFactory(intake=intake)
    client.force_login(south_west_lead)
    response = client.post(reverse("ambassadors:review_detail", args=[application.pk]), {"decision": "decline"})
    assert 'href="#id_reason"' in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_lead_of_another_region_gets_403_and_nothing_changes(client, london_lead, intake):
    application = ApplicationFactory(intake=intake, region=Region.SOUTH_WEST)
    client.force_login(london_lead)
    detail = reverse("ambassadors:review_detail", args=[application.pk])
    response = client.get(detail)
    assert response.status_code == 403
    assert "only see and decide applications from London" in response.content.decode()
    assert client.post(detail, {"decision": "approve"}).status_code == 403
    bulk = client.post(reverse("ambassadors:review"), {"applications": [application.pk], "decision": "approve"})
    assert bulk.status_code == 403 and "Nothing has been changed" in bulk.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_bulk_decline_with_reason_and_already_decided_message(client, south_west_lead, intake, reason):
    first, second = ApplicationFactory.create_batch(2, intake=intake)
    services.application_decide(action="approve", applications=[first], decider=south_west_lead)
    client.force_login(south_west_lead)
    response = client.post(
        reverse("ambassadors:review"),
        {"applications": [first.pk, second.pk], "decision": "decline", "reason": reason.pk, "note": "Next time"},
        follow=True,
    )
    html = response.content.decode()
    assert "1 application declined" in html
    assert "1 application was already decided or withdrawn" in html
    second.refresh_from_db()
    assert second.status == Application.Status.DECLINED and second.decision_note == "Next time"


def test_bulk_with_nothing_selected_is_an_error(client, south_west_lead, intake):
    ApplicationFactory(intake=intake)
    client.force_login(south_west_lead)
    html = client.post(reverse("ambassadors:review"), {"decision": "approve"}).content.decode()
    assert "Select at least one application" in html


# --- Directory, profiles, counts ----------------------------------------------------------


def test_directory_lists_active_public_care_makers_only(client, intake):
    CareMakerFactory(display_name="Shown Person", intake=intake)
    CareMakerFactory(display_name="Private Person", public_profile=False, intake=intake)
    hidden = CareMakerFactory(display_name="Lapsed Person", intake=intake)
    services.caremaker_lapse(care_maker=hidden)
    html = client.get(reverse("ambassadors:directory")).content.decode()
    assert "Shown Person" in html
    assert "Private Person" not in html and "Lapsed Person" not in html
    assert client.get(reverse("ambassadors:profile", args=[hidden.number])).status_code == 404


def test_directory_filters_by_region_role_sector_and_c(client, intake):
    CareMakerFactory(display_name="Welsh Midwife", region=Region.WALES, role=JobRole.MIDWIFE, chosen_c="care")
    CareMakerFactory(display_name="London Nurse", region=Region.LONDON, chosen_c="courage")
    html = client.get(
        reverse("ambassadors:directory"), {"region": "wales", "role": "midwife", "c": "care"}
    ).content.decode()
    assert "Welsh Midwife" in html and "London Nurse" not in html
    html = client.get(reverse("ambassadors:directory"), {"sector": Sector.COMMUNITY}).content.decode()
    assert "No Care Makers" in html


def test_directory_is_paginated_with_bounded_queries(client, django_assert_max_num_queries):
    CareMakerFactory.create_batch(25)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("ambassadors:directory"))
    assert "Page 2 of 2" in response.content.decode()


def test_directory_counts_its_care_makers_once_then_reads_only_the_page(client, intake, django_assert_num_queries):
    CareMakerFactory.create_batch(3, intake=intake)
    client.get(reverse("ambassadors:directory"))
    with django_assert_num_queries(1):
        html = client.get(reverse("ambassadors:directory")).content.decode()
    assert "3 Care Makers" in html


def test_directory_count_follows_a_lapse_a_recommitment_and_a_hidden_profile_at_once(
    client, intake, django_capture_on_commit_callbacks
):
    shown, other = CareMakerFactory.create_batch(2, intake=intake)

    def heading():
        return client.get(reverse("ambassadors:directory")).content.decode()

    assert "2 Care Makers" in heading()
    with django_capture_on_commit_callbacks(execute=True):
        services.caremaker_lapse(care_maker=other)
    assert "1 Care Maker<" in heading()
    with django_capture_on_commit_callbacks(execute=True):
        services.caremaker_recommit(care_maker=other)
    assert "2 Care Makers" in heading()
    with django_capture_on_commit_callbacks(execute=True):
        services.caremaker_update_profile(
            care_maker=shown, data={"public_profile": False, "display_name": "", "bio": "", "chosen_c": "care"}
        )
    assert "1 Care Maker<" in heading()


def test_directory_is_the_same_page_with_its_count_and_cards_kept_or_not(client, intake, settings):
    CareMakerFactory.create_batch(12, intake=intake, region=Region.LONDON)
    CareMakerFactory.create_batch(12, intake=intake, region=Region.WALES, display_name="")
    pages = [{}, {"page": 2}, {"region": "wales"}, {"region": "london", "c": "care"}]
    kept = [client.get(reverse("ambassadors:directory"), query).content for query in pages * 2]
    settings.AMBASSADORS_DIRECTORY_COUNT_SECONDS = 0
    settings.CORE_FRAGMENTS_KEPT = False
    plain = [client.get(reverse("ambassadors:directory"), query).content for query in pages]
    assert kept == plain * 2
    assert b"24 Care Makers" in plain[0] and b"12 Care Makers" in plain[2]


def test_profile_shows_the_public_details(client, care_maker):
    html = client.get(reverse("ambassadors:profile", args=[care_maker.number])).content.decode()
    assert "Alex Ambassador" in html and "Courage" in html and "Care Maker 7" in html


def test_care_maker_edits_their_profile(client, ambassador, care_maker):
    client.force_login(ambassador)
    response = client.post(
        reverse("ambassadors:my_profile"),
        {"public_profile": "on", "display_name": "Alex A", "bio": "Night nurse <3", "chosen_c": "care"},
    )
    assert response.status_code == 302
    care_maker.refresh_from_db()
    assert (care_maker.display_name, care_maker.chosen_c) == ("Alex A", "care")
    html = client.get(reverse("ambassadors:profile", args=[7])).content.decode()
    assert "Night nurse &lt;3" in html


def test_my_profile_is_forbidden_to_people_who_are_not_care_makers(client, supporter):
    client.force_login(supporter)
    assert client.get(reverse("ambassadors:my_profile")).status_code == 403


def test_counts_page_reads_kept_totals_and_draws_a_region_map(client, django_assert_max_num_queries):
    CareMakerFactory.create_batch(2, region=Region.WALES)
    CareMakerFactory(region=Region.SCOTLAND)
    with django_assert_max_num_queries(2):  # the active and activity totals in one read, the milestones
        response = client.get(reverse("ambassadors:counts"))
    html = response.content.decode()
    assert "<svg" in html and 'role="img"' in html
    assert (
        '<th scope="row" class="nhsuk-table__cell">Wales</th><td class="nhsuk-table__cell nhsuk-table__cell--numeric">2</td>'
        in html
    )
    assert counter_values(["ambassadors:active"])["ambassadors:active"] == 3


# --- Stories --------------------------------------------------------------------------


def test_care_maker_posts_a_story_that_waits_for_moderation(client, ambassador, care_maker):
    client.force_login(ambassador)
    response = client.post(reverse("ambassadors:story_new"), {"c": "courage", "title": "Spoke up", "text": "We did."})
    assert response.status_code == 302
    story = Story.objects.get()
    assert story.status == Story.Status.SUBMITTED
    assert "Spoke up" not in client.get(reverse("ambassadors:stories")).content.decode()


def test_story_over_the_limit_is_an_error_and_keeps_the_text(client, ambassador, care_maker):
    client.force_login(ambassador)
    html = client.post(
        reverse("ambassadors:story_new"), {"c": "care", "title": "Long", "text": "y" * 1501}
    ).content.decode()
    assert "1,500 characters or fewer" in html and "y" * 1501 in html
    assert not Story.objects.exists()


@pytest.mark.parametrize("persona", ["supporter", "outsider"])
def test_people_who_are_not_care_makers_cannot_post_stories(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("ambassadors:story_new")).status_code == 403


def test_old_story_moderation_page_redirects_to_the_audited_queue(client, moderator):
    client.force_login(moderator)
    response = client.get(reverse("ambassadors:moderate_stories"))
    assert response.status_code == 301
    assert response["Location"] == reverse("moderation:queue", args=["care-maker-stories"])


def test_stories_are_moderated_only_through_the_audited_queue(client, moderator):
    from moderation.models import Decision

    story = StoryFactory(text="Call 07700 900123", held=True, held_reasons="a phone number")
    client.force_login(moderator)
    # The old page takes no decision: a POST to it is redirected, the story still waits.
    client.post(reverse("ambassadors:moderate_stories"), {"story": story.pk, "action": "publish"})
    story.refresh_from_db()
    assert story.status != Story.Status.PUBLISHED
    html = client.get(reverse("ambassadors:moderate_stories"), follow=True).content.decode()
    assert story.title in html
    assert not Decision.objects.exists()


def test_stories_page_filters_by_c_with_share_links_and_permalinks(client):
    courage = StoryFactory(published=True, c="courage", title="Brave & true")
    StoryFactory(published=True, c="care", title="Tea at three")
    StoryFactory(c="care", title="Not yet checked")
    html = client.get(reverse("ambassadors:stories"), {"c": "courage"}).content.decode()
    assert "Brave &amp; true" in html and "Tea at three" not in html and "Not yet checked" not in html
    permalink = reverse("ambassadors:story", args=[courage.pk])
    assert f'href="{permalink}"' in html
    assert "twitter.com/intent/tweet" in html and "facebook.com/sharer" in html
    assert client.get(permalink).status_code == 200


def test_unpublished_story_permalink_is_404(client):
    assert client.get(reverse("ambassadors:story", args=[StoryFactory().pk])).status_code == 404


# --- Recommit -------------------------------------------------------------------------


def test_recommit_link_get_shows_a_button_and_post_recommits(client):
    care_maker = CareMakerFactory()
    services.caremaker_lapse(care_maker=care_maker)
    url = services.recommit_path(care_maker)
    assert "Recommit for another year" in client.get(url).content.decode()
    care_maker.refresh_from_db()
    assert not care_maker.active
    assert "You have recommitted" in client.post(url).content.decode()
    care_maker.refresh_from_db()
    assert care_maker.active


def test_tampered_recommit_link_is_a_clear_message(client):
    care_maker = CareMakerFactory()
    response = client.post(reverse("ambassadors:recommit", args=["not-a-real-token"]))
    assert response.status_code == 400 and "This link does not work" in response.content.decode()
    assert care_maker.active


# --- Home and account ------------------------------------------------------------------


def test_account_page_shows_the_care_maker_section(client, ambassador, care_maker):
    client.force_login(ambassador)
    html = client.get(reverse("accounts:home")).content.decode()
    assert "You are Care Maker number 7" in html


def test_home_page_shows_active_care_makers_from_the_counter(client):
    CareMakerFactory.create_batch(3)
    html = client.get("/").content.decode()
    assert '<span class="app-totals__number">3</span> active Care Makers' in html


def test_story_form_error_summary_links_to_the_first_c(client, ambassador, care_maker):
    client.force_login(ambassador)
    html = client.post(reverse("ambassadors:story_new"), {"title": "T", "text": "Text"}).content.decode()
    assert 'href="#id_c_0"' in html and 'id="id_c_0"' in html


def test_stories_are_in_the_shared_moderation_queue_and_publishing_there_emails_once(
    client, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    from moderation import queues
    from moderation.models import Decision as AuditEntry
    from moderation.services import items_decide

    story = StoryFactory(title="Tea & biscuits")
    client.force_login(moderator)
    assert "Tea &amp; biscuits" in client.get("/moderation/care-maker-stories/").content.decode()
    queue = queues.get_queue("care-maker-stories")
    with django_capture_on_commit_callbacks(execute=True):
        first = items_decide(queue=queue, item_ids=[story.pk], action_key="publish", moderator=moderator)
        second = items_decide(queue=queue, item_ids=[story.pk], action_key="publish", moderator=moderator)
    assert first.done == [story.pk] and second.already_decided == [story.pk]
    assert len(mailoutbox) == 1
    assert AuditEntry.objects.filter(item_type="story", item_id=story.pk, action="publish").count() == 1


def test_stories_page_query_count_is_bounded(client, django_assert_max_num_queries):
    for _ in range(12):
        StoryFactory(published=True)
    with django_assert_max_num_queries(4):
        client.get(reverse("ambassadors:stories"))


def test_approving_past_the_places_shows_a_clear_error(client, south_west_lead):
    intake = IntakeFactory(places=1)
    CareMakerFactory(intake=intake)
    application = ApplicationFactory(intake=intake)
    client.force_login(south_west_lead)
    response = client.post(reverse("ambassadors:review_detail", args=[application.pk]), {"decision": "approve"})
    assert response.status_code == 200
    assert "1 place and 0 left" in response.content.decode()


def test_lapsed_care_maker_recommits_from_their_profile(client, ambassador, care_maker):
    services.caremaker_lapse(care_maker=care_maker)
    client.force_login(ambassador)
    assert "Recommit for another year" in client.get(reverse("ambassadors:my_profile")).content.decode()
    response = client.post(reverse("ambassadors:recommit_me"), follow=True)
    assert "You have recommitted as Care Maker 7" in response.content.decode()
    care_maker.refresh_from_db()
    assert care_maker.active
    assert counter_values(["ambassadors:active"])["ambassadors:active"] == 1


@pytest.mark.parametrize("url", ["ambassadors:directory", "ambassadors:stories", "ambassadors:review"])
def test_garbage_filters_and_pages_never_break_a_list(client, programme_admin, url):
    client.force_login(programme_admin)
    query = {"region": "atlantis", "role": "wizard", "intake": "abc", "status": "x", "c": "zz", "page": "-3"}
    assert client.get(reverse(url), query).status_code == 200


@pytest.mark.parametrize(
    "persona,review,moderate",
    [
        ("london_lead", True, False),
        ("programme_admin", True, True),
        ("moderator", False, True),
        ("supporter", False, False),
    ],
)
def test_account_page_links_to_the_work_each_person_may_do(client, request, persona, review, moderate):
    client.force_login(request.getfixturevalue(persona))
    html = client.get(reverse("accounts:home")).content.decode()
    assert ("Review Care Maker applications" in html) is review
    assert ("Moderate Care Maker stories" in html) is moderate


def test_counts_page_lists_care_maker_milestones_reached(client):
    from counters.models import Milestone

    Milestone.objects.create(key="ambassadors:active", threshold=55, value_at_crossing=55, label="active Care Makers")
    Milestone.objects.create(key="pledges:1:total", threshold=1000, value_at_crossing=1000, label="pledges made")
    html = client.get(reverse("ambassadors:counts")).content.decode()
    assert "55 active Care Makers" in html and "pledges made" not in html
