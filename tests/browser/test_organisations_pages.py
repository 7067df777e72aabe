"""The Social Care Commitment pages a journey does not reach, checked with axe: a lapsed
organisation's page and badge, the poster, the champion form with errors, a stale
invitation link, the phone-width dashboard and an access request."""

from datetime import timedelta

import pytest
from django.utils import timezone

from organisations import services
from organisations.models import Membership
from tests.browser.helpers import sign_in
from tests.factories import UserFactory
from tests.organisations.factories import commit, make_organisation

pytestmark = pytest.mark.django_db(transaction=True)


def test_lapsed_page_poster_champion_errors_and_stale_link(live_server, page, axe):
    base = live_server.url
    rep = UserFactory(email="rep@pennine.example")
    champion = UserFactory(email="champion@pennine.example")
    organisation = make_organisation(rep=rep, name="Pennine Lodge")
    Membership.objects.create(organisation=organisation, user=champion, role=Membership.Role.CHAMPION)
    commit(organisation, rep, today=timezone.localdate() - timedelta(days=420))
    stale = services.invitation_token(organisation)
    services.invitation_rotate(organisation=organisation, user=rep)

    page.goto(base + organisation.get_absolute_url())
    axe()
    assert page.locator(".nhsuk-tag--red", has_text="Lapsed").is_visible()
    page.goto(base + "/social-care-commitment/organisations/?type=care-home")
    axe()
    assert page.locator(".nhsuk-tag--red", has_text="Lapsed").is_visible()

    page.goto(base + f"/social-care-commitment/join/{stale}/")
    axe()
    assert "This invitation link no longer works" in page.content()

    sign_in(page, axe, base, rep.email)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + f"/social-care-commitment/organisations/{organisation.slug}/dashboard/")
    axe()
    assert page.get_by_role("button", name="Renew for another year").is_visible()
    page.get_by_role("link", name="Print a poster with the QR code").click()
    axe()
    assert page.get_by_role("img", name="QR code for the invitation link").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("header.nhsuk-header").is_visible()
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(base + f"/social-care-commitment/organisations/{organisation.slug}/people/")
    axe()
    page.get_by_role("button", name="Add").click()
    axe()
    assert "Enter their email address" in page.locator(".nhsuk-error-summary").inner_text()

    page.goto(base + organisation.get_absolute_url())
    axe()
    assert page.get_by_label("Copy this code into your website").input_value().startswith("<a href=")

    page.get_by_role("button", name="Sign out").click()
    axe()
    if page.get_by_role("main").get_by_role("button", name="Sign out").count():
        page.get_by_role("main").get_by_role("button", name="Sign out").click()
        axe()
    sign_in(page, axe, base, champion.email)
    page.goto(base + f"/social-care-commitment/organisations/{organisation.slug}/champion/")
    axe()
    page.get_by_role("button", name="Record commitment").click()
    axe()
    assert page.title().startswith("Error: ")
    page.get_by_label("Their name").fill("Marta Kowalska")
    page.get_by_label("Their role").select_option("care-worker")
    for n in range(1, 8):
        page.locator(f"#statement-{n}").get_by_label(f"I agree to statement {n}").check()
    page.get_by_role("button", name="Record commitment").click()
    axe()
    assert "Commitment recorded for Marta Kowalska" in page.content()
    assert organisation.employee_commitments.get().assisted


def test_someone_whose_organisation_is_registered_asks_to_join(live_server, page, axe):
    base = live_server.url
    rep = UserFactory(email="rep@birch.example")
    UserFactory(email="deputy@birch.example")
    make_organisation(rep=rep, name="Birch House", cqc_provider_id="1-123456789", verified=False)
    sign_in(page, axe, base, "deputy@birch.example")
    page.goto(base + "/social-care-commitment/register/")
    axe()
    page.get_by_label("Organisation name").fill("Birch House Care")
    page.get_by_label("Care home without nursing").check()
    page.get_by_label("Registration number with your care regulator").fill("1-123456789")
    page.get_by_label("Town or city").fill("Taunton")
    page.get_by_label("Region").select_option("south-west")
    page.get_by_label("1 to 9 staff").check()
    page.get_by_role("button", name="Register organisation").click()
    axe()
    page.get_by_role("link", name="Ask to be added to Birch House").click()
    axe()
    page.get_by_label("Your job title").fill("Deputy manager")
    page.get_by_role("button", name="Send request").click()
    axe()
    assert "Your request to join Birch House has been sent" in page.content()
