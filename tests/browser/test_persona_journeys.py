"""Three people's whole journeys on a phone (390 px), in Chromium with axe and the HTML
checker on every page, form error states included: a porter applying to be a Care Maker,
his regional lead deciding it, and a programme admin going through the staff tools.

Each signs in through the real form and then finds their way by links, as they would."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.choices import JobRole, Region, Sector
from ambassadors import services as ambassadors_services
from ambassadors.models import Application, CareMaker, EligibilityWaitlist, RegionalLead
from tests.ambassadors.factories import ApplicationFactory, IntakeFactory
from tests.browser.helpers import sign_in
from tests.browser.test_ambassadors_journey import seed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
STATEMENT = (
    "I have been a porter at Royal Preston for nine years. I move patients between wards, theatres and "
    "scans, often when they are frightened or in pain. I talk to them on the way, I make sure they are warm, "
    "and I tell the nurse when something is not right. I want to show other porters, cleaners and "
    "caterers that the 6Cs are ours too, and to speak up for the people we carry every day."
)


def porter(**kwargs):
    return UserFactory(
        email="kwesi.boateng@example.net",
        display_name="Kwesi Boateng",
        job_role=JobRole.PORTER,
        sector=Sector.NHS_ACUTE,
        region=Region.NORTH_WEST,
        organisation_name="Royal Preston Hospital",
        **kwargs,
    )


def click(page, axe, locator):
    """Follow a link or press a button, then check the page it leads to."""
    locator.click()
    page.wait_for_load_state("load")
    axe()


def test_porter_reads_who_can_apply_asks_to_be_told_then_applies_on_his_phone(page, axe, live_server, mailoutbox):
    seed()
    IntakeFactory(name="Spring intake")
    kwesi = porter()
    page.set_viewport_size(PHONE)

    sign_in(page, axe, live_server.url, kwesi.email)
    page.goto(f"{live_server.url}/care-makers/")
    axe()
    click(page, axe, page.get_by_role("link", name="Apply to be a Care Maker"))

    # Porters are not open yet: he is told so, sees who can apply, and is not asked to write anything.
    main = page.get_by_role("main")
    expect(page.locator("#not-open")).to_contain_text("not open yet for your role and sector: Porter, NHS acute")
    expect(main.get_by_role("heading", name="Who can apply")).to_be_visible()
    expect(main.locator("ul.nhsuk-list--bullet").first).to_contain_text("Nurse")
    expect(main.locator("ul.nhsuk-list--bullet").first).not_to_contain_text("Porter")
    assert page.locator("#id_statement").count() == 0
    assert main.get_by_role("button", name="Send application").count() == 0
    click(page, axe, page.get_by_role("button", name="Email me when it opens"))
    expect(main).to_contain_text("We will email you once when Care Maker applications open")
    assert EligibilityWaitlist.objects.filter(user=kwesi, role=JobRole.PORTER, sector=Sector.NHS_ACUTE).count() == 1

    # The programme opens to porters; he is emailed, by his name.
    assert ambassadors_services.eligibility_widen(kind="role", values=[JobRole.PORTER]) == 1
    (opened,) = [m for m in mailoutbox if m.to == [kwesi.email]]
    assert "Kwesi" in opened.body and f"Hello {kwesi.email}" not in opened.body

    page.goto(f"{live_server.url}/care-makers/apply/")
    axe()
    assert page.locator("#not-open").count() == 0
    expect(page.get_by_label("Your job role")).to_have_value(JobRole.PORTER)
    expect(page.get_by_label("Where you work")).to_have_value(Sector.NHS_ACUTE)
    short = "I carry patients and I care about them."
    page.get_by_label("Years in your role, or your year of study").fill("9")
    page.get_by_label("Why do you want to be a Care Maker?").fill(short)
    page.click("label[for=id_chosen_c_0]")
    page.click("label[for=id_agreed]")
    click(page, axe, page.get_by_role("button", name="Send application"))
    expect(page).to_have_title(re.compile("^Error: "))
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("at least 40 words (it is 8)")
    expect(page.get_by_label("Why do you want to be a Care Maker?")).to_have_value(short)
    expect(page.get_by_label("Years in your role, or your year of study")).to_have_value("9")
    assert Application.objects.count() == 0

    page.get_by_label("Why do you want to be a Care Maker?").fill(STATEMENT)
    click(page, axe, page.get_by_role("button", name="Send application"))
    assert page.url.endswith("/care-makers/my-application/")
    expect(main).to_contain_text("Your application has been sent to your regional lead")
    expect(main).to_contain_text("Waiting for a decision")
    application = Application.objects.get(user=kwesi)
    assert (application.role, application.region) == (JobRole.PORTER, Region.NORTH_WEST)

    # He finds it again from his account page.
    click(page, axe, page.get_by_role("banner").get_by_role("link", name="My account"))
    click(page, axe, page.get_by_role("main").get_by_role("link", name="Your Care Maker application"))
    assert page.url.endswith("/care-makers/my-application/")


def test_regional_lead_finds_the_queue_and_approves_the_porter_on_his_phone(page, axe, live_server, mailoutbox):
    seed()
    intake = IntakeFactory(name="Spring intake")
    kwesi = porter()
    application = ApplicationFactory(
        user=kwesi,
        intake=intake,
        role=JobRole.PORTER,
        region=Region.NORTH_WEST,
        organisation="Royal Preston Hospital",
        statement=STATEMENT,
    )
    lead = UserFactory(email="lead.nw@example.org", display_name="Priya Shah", region=Region.NORTH_WEST)
    RegionalLead.objects.create(user=lead, region=Region.NORTH_WEST)
    page.set_viewport_size(PHONE)

    sign_in(page, axe, live_server.url, lead.email)
    # Her tools are one link away in the header, on every page.
    page.goto(f"{live_server.url}/care-makers/")
    axe()
    click(page, axe, page.get_by_role("banner").get_by_role("link", name="Staff tools"))
    tools = page.locator("#staff-tools + ul")
    expect(tools.get_by_role("link")).to_have_text(["Care Maker applications"])
    click(page, axe, tools.get_by_role("link", name="Care Maker applications"))

    # The queue shows the applicant by name, never by email address.
    main = page.get_by_role("main")
    expect(main).to_contain_text("Kwesi Boateng")
    assert kwesi.email not in page.content()
    click(page, axe, main.get_by_role("link", name="Kwesi Boateng"))
    expect(page.locator("h1")).to_have_text("Application from Kwesi Boateng")
    expect(page).to_have_title(re.compile("Application from Kwesi Boateng"))
    expect(main).to_contain_text("Porter")
    expect(main).to_contain_text("I move patients between wards")
    assert kwesi.email not in page.content()

    # Declining without a reason is refused in the NHS.UK error pattern, with the note kept.
    page.click("label[for=id_decision_1]")
    page.get_by_label("Note to the applicant (optional)").fill("Thank you for applying.")
    click(page, axe, page.get_by_role("button", name="Record decision"))
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Choose a reason for declining")
    expect(page.get_by_label("Note to the applicant (optional)")).to_have_value("Thank you for applying.")
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED

    page.click("label[for=id_decision_0]")
    click(page, axe, page.get_by_role("button", name="Record decision"))
    expect(main).to_contain_text("1 application approved")
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    care_maker = CareMaker.objects.get(user=kwesi)
    assert (care_maker.role, care_maker.region, care_maker.active) == (JobRole.PORTER, Region.NORTH_WEST, True)
    (outcome,) = [m for m in mailoutbox if m.to == [kwesi.email] and "Care Maker" in m.subject]
    assert "Kwesi" in outcome.body and str(care_maker.number) in outcome.body

    # The decided application is out of the waiting queue, and its record names her.
    expect(main.get_by_role("link", name="Kwesi Boateng")).to_have_count(0)
    page.goto(f"{live_server.url}/care-makers/review/{application.pk}/")
    axe()
    expect(main).to_contain_text("Approved by Priya Shah")
    expect(main.get_by_role("button", name="Record decision")).to_have_count(0)


def test_programme_admin_reaches_every_staff_tool_from_the_header_on_her_phone(page, axe, live_server):
    from counters.models import MilestoneRule
    from counters.services import counters_recount
    from dashboard.services import daily_totals_backfill
    from pledges.models import Pledge
    from tests.pledges.factories import CampaignFactory, PledgeFactory

    seed()
    campaign = CampaignFactory(name="Change Day 2027", slug="change-day-2027", is_current=True, target=500)
    MilestoneRule.objects.update_or_create(
        pattern="pledges:*:total",
        defaults={"label": "pledges made in this campaign", "thresholds": [10, 100, 1000], "audience": "campaign"},
    )
    for region in ("north-west", "london", "wales"):
        PledgeFactory(campaign=campaign, region=region)
    held = [
        PledgeFactory(campaign=campaign, held=True, text=f"I will learn the porters' names on ward {n}.")
        for n in (1, 2)
    ]
    Pledge.objects.filter(pk=held[0].pk).update(created_at=timezone.now() - timedelta(days=3))
    counters_recount()
    daily_totals_backfill()
    admin = UserFactory(
        email="admin@example.org", display_name="Alex Admin", is_staff=True, groups=["Programme admins"]
    )
    page.set_viewport_size(PHONE)

    sign_in(page, axe, live_server.url, admin.email)
    page.goto(f"{live_server.url}/pledges/")
    axe()
    banner = page.get_by_role("banner")
    # Two held pledges wait; the header says so.
    expect(banner.get_by_role("link", name=re.compile("^Staff tools"))).to_contain_text("2")
    click(page, axe, banner.get_by_role("link", name=re.compile("^Staff tools")))
    tools = page.locator("#staff-tools + ul")
    expect(tools.get_by_role("link")).to_have_text(
        [
            "Moderation queue",
            "Care Maker applications",
            "Dashboard",
            "Milestones",
            "Data requests",
            "Email previews",
            "Django admin",
        ]
    )
    expect(tools).to_contain_text("2 waiting for a decision")
    # The Django admin is linked (not visited here: its pages are Django's, not ours).
    expect(tools.get_by_role("link", name="Django admin")).to_have_attribute("href", "/admin/")

    # Dashboard: today, the last 7 days, the target and the next milestone; on a phone the
    # charts give way to their tables.
    click(page, axe, tools.get_by_role("link", name="Dashboard"))
    main = page.get_by_role("main")
    expect(main).to_contain_text("3 pledges made today")
    expect(main).to_contain_text("3 pledges made in the last 7 days")
    expect(main).to_contain_text("3 of 500 pledges (1%): 497 to go")
    expect(main).to_contain_text("10 pledges:")
    charts = page.locator(".app-chart-wide")
    assert charts.count() > 0
    for n in range(charts.count()):
        expect(charts.nth(n)).to_be_hidden()
    tables = page.locator("details[data-open-when-narrow]")
    assert tables.count() > 0
    for n in range(tables.count()):
        expect(tables.nth(n)).to_have_attribute("open", "")
    expect(main.get_by_role("cell", name="North West")).to_be_visible()

    # Milestones: what we celebrate, with the numbers.
    page.goto(f"{live_server.url}/my-account/")
    axe()
    click(page, axe, page.locator("#staff-tools + ul").get_by_role("link", name="Milestones"))
    celebrate = page.get_by_role("heading", name="What we celebrate")
    expect(celebrate).to_be_visible()
    expect(main).to_contain_text("Pledges made in this campaign")
    expect(main).to_contain_text("10, 100, 1,000")
    # Before any is reached, the page names no first milestone of its own: the rules above say it.
    expect(main).to_contain_text("No milestones yet.")
    expect(main).not_to_contain_text("The first one is 1,000 pledges")

    # Email previews, each titled by what it is, not by its code name.
    page.goto(f"{live_server.url}/my-account/")
    axe()
    click(page, axe, page.locator("#staff-tools + ul").get_by_role("link", name="Email previews"))
    previews = main.locator("tbody").get_by_role("link")
    assert previews.count() > 5
    for title in previews.all_inner_texts():
        assert not re.fullmatch(r"[a-z0-9-]+", title), f"email preview titled by its code name: {title}"
    expect(main.get_by_role("link", name="Milestone reached (to people who asked for news)")).to_be_visible()
    click(page, axe, main.get_by_role("link", name="Milestone reached (to people who asked for news)"))
    expect(page.locator("h1")).to_contain_text("Milestone reached (to people who asked for news)")

    # The moderation queue, narrowed to what has waited too long.
    page.goto(f"{live_server.url}/my-account/")
    axe()
    click(page, axe, page.locator("#staff-tools + ul").get_by_role("link", name="Moderation queue"))
    assert page.url.endswith("/moderation/held-pledges/")  # the first queue, where the held pledges wait
    expect(main).to_contain_text("1 waiting more than 2 days")
    click(page, axe, main.get_by_role("link", name="Show only overdue items"))
    expect(main.get_by_label(f"Select item {held[0].pk}")).to_be_visible()
    expect(main.get_by_label(f"Select item {held[1].pk}")).to_have_count(0)

    # Data requests: an empty form is refused in the NHS.UK error pattern.
    page.goto(f"{live_server.url}/my-account/")
    axe()
    click(page, axe, page.locator("#staff-tools + ul").get_by_role("link", name="Data requests"))
    page.get_by_label("Email address of the person asking").fill("not-an-address")
    click(page, axe, main.get_by_role("button", name="Continue"))
    expect(page).to_have_title(re.compile("^Error: "))
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Enter an email address in the correct format")
    expect(summary).to_contain_text("Select what the person wants")
    expect(page.get_by_label("Email address of the person asking")).to_have_value("not-an-address")
    # Staff act for someone else: the page speaks of them, never to "you".
    expect(main.get_by_label(re.compile("^Keep them anonymously"))).to_be_visible()
    assert " you" not in main.locator("form").inner_text().replace("\n", " ")
