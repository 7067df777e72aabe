"""The care home manager's journey on a phone (390 px), with axe on every page: she registers a
home in Wales (its regulator is Care Inspectorate Wales), commits with a task of her own and
NHS.UK dates, gets the confirmation, sees the short code and invites two staff by email; a staff
member joins by the code, commits and marks a task done; the verifier cannot verify another home
and says why."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mail.models import Email
from organisations.models import EmployeeCommitment, Organisation
from tests.browser.helpers import fill_date, sign_in
from tests.factories import UserFactory
from tests.organisations.factories import make_organisation

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def sign_out(page, axe, base):
    page.context.clear_cookies()
    page.goto(base + "/")
    axe()


def test_care_home_manager_journey_on_a_phone(live_server, page, axe):
    from tests.organisations.factories import ensure_statements

    ensure_statements()
    from django.contrib.auth.models import Group

    for name in ("Moderators", "Programme admins"):
        Group.objects.get_or_create(name=name)
    page.set_viewport_size(PHONE)
    base = live_server.url
    manager = UserFactory(email="ffion@tyderw.example", display_name="Ffion Evans")
    verifier = UserFactory(
        email="pat@carepledge.example", display_name="Pat Admin", is_staff=True, groups=["Programme admins"]
    )
    staff = UserFactory(email="owen@tyderw.example", display_name="Owen Price", organisation_name="")
    today = timezone.localdate()

    # 1. She registers her home in Wales: a CQC-style ID is refused in Wales's format.
    sign_in(page, axe, base, manager.email)
    page.goto(base + "/social-care-commitment/register/")
    axe()
    page.get_by_label("Organisation name").fill("Tŷ Derw Care Home")
    page.get_by_label("Care home without nursing").check()
    page.get_by_label("Town or city").fill("Cardiff")
    page.get_by_label("Region").select_option("wales")
    page.get_by_label("Registration number with your care regulator").fill("1_123")
    page.get_by_label("10 to 49 staff").check()
    page.get_by_role("button", name="Register organisation").click()
    axe()
    summary = page.locator(".nhsuk-error-summary").inner_text()
    assert "Enter the Care Inspectorate Wales registration number in the right format" in summary
    assert page.get_by_label("Registration number with your care regulator").input_value() == "1_123"
    page.get_by_label("Registration number with your care regulator").fill("SIN-00012345-ABCD")
    page.get_by_role("button", name="Register organisation").click()
    axe()
    organisation = Organisation.objects.get(name="Tŷ Derw Care Home")
    assert (organisation.nation, organisation.regulator_id) == ("wales", "SIN-00012345-ABCD")
    sign_out(page, axe, base)

    # The verifier checks it against the register and verifies it.
    sign_in(page, axe, base, verifier.email)
    page.goto(base + "/moderation/organisations-to-verify/")
    axe()
    register_link = page.get_by_role("link", name="Check Tŷ Derw Care Home on the Care Inspectorate Wales register")
    assert "careinspectorate.wales" in register_link.get_attribute("href")
    page.get_by_label(f"Select item {organisation.pk}").check()
    page.get_by_label("Verify", exact=True).check()
    page.get_by_role("button", name="Apply to selected items").click()
    axe()
    organisation.refresh_from_db()
    assert organisation.is_verified
    sign_out(page, axe, base)

    # 2. She commits: one listed task per statement, a task of her own, NHS.UK dates.
    sign_in(page, axe, base, manager.email)
    page.goto(base + f"/social-care-commitment/organisations/{organisation.slug}/commit/")
    axe()
    target = today + timedelta(days=40)
    for n in range(1, 8):
        block = page.locator(f"#statement-{n}")
        block.get_by_label(f"We agree to statement {n}").check()
        if n == 3:
            continue
        block.locator("input[name^=task_]").first.check()
        fill_date(block, target)
    page.get_by_label("Add a task of your own for statement 3 (optional)").fill("Welsh language taster sessions")
    block = page.locator("#statement-3")
    block.locator("input[name=own_date_3_day]").fill("31")
    block.locator("input[name=own_date_3_month]").fill("2")
    block.locator("input[name=own_date_3_year]").fill(str(today.year + 1))
    page.get_by_role("button", name="Continue to sign").click()
    axe()
    assert "Target date must be a real date" in page.locator(".nhsuk-error-summary").inner_text()
    assert block.locator("input[name=own_date_3_day]").input_value() == "31"
    fill_date(block, target, name="own_date_3")
    page.get_by_role("button", name="Continue to sign").click()
    axe()
    assert "Welsh language taster sessions" in page.content()
    page.get_by_label("Full name").fill("Ffion Evans")
    page.get_by_label("Job title").fill("Registered manager")
    page.get_by_label("I confirm I have authority").check()
    page.get_by_role("button", name="Sign the commitment").click()
    axe()

    # 3. The confirmation, with the certificate and the code.
    organisation.refresh_from_db()
    confirmation = Email.objects.get(kind="organisation-committed", to=manager.email)
    assert confirmation.context["join_code"] == organisation.join_code
    page.goto(base + confirmation.context["certificate_path"])
    axe()
    assert page.get_by_role("heading", name="Tŷ Derw Care Home").is_visible()

    # 4. The short code is on the dashboard; she invites two staff by email.
    page.goto(base + f"/social-care-commitment/organisations/{organisation.slug}/dashboard/")
    axe()
    assert page.locator(".app-join-code").first.inner_text() == organisation.join_code
    page.get_by_role("link", name="Invite staff by email").click()
    axe()
    page.get_by_label("Email addresses").fill("owen@tyderw.example\nnot an address")
    page.get_by_role("button", name="Send invitations").click()
    axe()
    assert "Check: not an address" in page.locator(".nhsuk-error-summary").inner_text()
    page.get_by_label("Email addresses").fill("owen@tyderw.example, seren@tyderw.example")
    page.get_by_role("button", name="Send invitations").click()
    axe()
    assert page.get_by_text("2 invitations sent.").is_visible()
    invited = set(Email.objects.filter(kind="organisation-staff-invitation").values_list("to", flat=True))
    assert invited == {"owen@tyderw.example", "seren@tyderw.example"}
    sign_out(page, axe, base)

    # 5. A staff member joins by typing the code, commits with a date, and marks a task done.
    sign_in(page, axe, base, staff.email)
    page.goto(base + "/social-care-commitment/join/")
    axe()
    page.get_by_label("Code").fill(organisation.join_code.lower())
    page.get_by_role("button", name="Continue").click()
    axe()
    for n in range(1, 8):
        page.locator(f"#statement-{n}").get_by_label(f"I agree to statement {n}").check()
    block = page.locator("#statement-2")
    block.locator("input[name^=task_]").first.check()
    fill_date(block, today + timedelta(days=14))
    page.get_by_role("button", name="Make my commitment").click()
    axe()
    assert page.url.endswith("/my-account/")
    assert "Tŷ Derw Care Home" in page.locator("main").inner_text()
    assert "Not given" not in page.locator("main dl").first.inner_text()
    page.get_by_role("button", name="Mark as done").first.click()
    axe()
    assert page.get_by_text("is marked as done").is_visible()
    assert EmployeeCommitment.objects.get(user=staff).tasks.filter(done_at__isnull=False).count() == 1
    sign_out(page, axe, base)

    # 6. The verifier cannot verify another home, and says why.
    other = make_organisation(
        rep=UserFactory(email="rep@glen.example"),
        verified=False,
        name="Glen House",
        region="scotland",
        regulator_id="CS2003001025",
    )
    sign_in(page, axe, base, verifier.email)
    page.goto(base + "/moderation/organisations-to-verify/")
    axe()
    page.get_by_label(f"Select item {other.pk}").check()
    page.get_by_label("Cannot verify").check()
    page.get_by_label("Reason").select_option(label="Not found on the regulator's register")
    page.get_by_role("button", name="Apply to selected items").click()
    axe()
    other.refresh_from_db()
    assert other.verification_refused_at is not None
    assert Email.objects.filter(kind="organisation-not-verified", to="rep@glen.example").exists()
