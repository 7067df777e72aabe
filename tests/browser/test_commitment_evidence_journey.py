"""The commitment in practice on a phone (390 px), with axe on every page: a care home manager
whose tasks are overdue marks one done and asks to publish a note with a phone number in it, is
told to take it out (her words kept), publishes it, and finds it on her home's public page and in
the programme's figures; she publishes the evidence of an earlier task from her dashboard, then
takes it down again."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from organisations import services
from organisations.models import CommitmentTask
from tests.browser.helpers import sign_in
from tests.factories import UserFactory
from tests.organisations.factories import commit, make_organisation

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
NOTE = "Every interview now asks about kindness and respect. Ring 01392 496123 for the interview records."
CLEAN = "Every interview now asks about kindness and respect. The questions are kept with the interview records."


def link_to(words: str, task) -> re.Pattern:
    """A dashboard link's name: its words, then the task's text (visually hidden)."""
    return re.compile(rf"^{re.escape(words)}\b.*{re.escape(task.task_text)}$")


def test_an_employer_completes_a_task_and_publishes_its_evidence_on_a_phone(live_server, page, axe):
    from tests.organisations.factories import ensure_statements

    ensure_statements()
    page.set_viewport_size(PHONE)
    base = live_server.url
    manager = UserFactory(email="amara@birchhouse.example", display_name="Amara Okafor")
    home = make_organisation(rep=manager, name="Birch House")
    today = timezone.localdate()
    commit(home, manager, today=today - timedelta(days=100), target=today - timedelta(days=30))
    earlier = CommitmentTask.objects.get(commitment__organisation=home, statement_number=2)
    services.commitment_task_done(task=earlier, user=manager, evidence="Each new starter has a named buddy.")
    services.commitment_tasks_overdue_rollup()  # the nightly rollup: the other six are overdue

    # The programme's figures before: one task done, six overdue.
    page.goto(base + "/social-care-commitment/impact/")
    axe()
    totals = page.locator(".app-totals").inner_text()
    assert "1\ntask done" in totals and "6\ntasks overdue" in totals

    # 1. She marks the statement 1 task done and asks to publish a note with a phone number in it.
    sign_in(page, axe, base, manager.email)
    page.goto(base + f"/social-care-commitment/organisations/{home.slug}/dashboard/")
    axe()
    task = CommitmentTask.objects.get(commitment__organisation=home, statement_number=1)
    page.get_by_role("link", name=link_to("Mark done", task)).click()
    axe()
    page.get_by_label("What was done").fill(NOTE)
    page.get_by_label("Publish this note on our public page").check()
    page.get_by_role("button", name="Mark as done").click()
    axe()
    assert "The evidence must not include a phone number" in page.locator(".nhsuk-error-summary").inner_text()
    assert page.get_by_label("What was done").input_value() == NOTE  # what she typed, kept
    assert page.get_by_label("Publish this note on our public page").is_checked()
    page.get_by_label("What was done").fill(CLEAN)
    page.get_by_role("button", name="Mark as done").click()
    axe()
    assert page.get_by_text("Its evidence is on your public page").is_visible()

    # 2. It is on the home's public page, under its statement's figures.
    page.get_by_role("link", name="See your public page and the badge embed code").click()
    axe()
    evidence = page.locator("main").inner_text()
    assert CLEAN in evidence
    assert "Each new starter has a named buddy." not in evidence  # still private

    # 3. She publishes the earlier task's note from the dashboard, then takes it down again.
    page.goto(base + f"/social-care-commitment/organisations/{home.slug}/dashboard/")
    axe()
    page.get_by_role("link", name=link_to("Publish the evidence", earlier)).click()
    axe()
    assert page.get_by_label("Evidence to publish").input_value() == "Each new starter has a named buddy."
    page.get_by_role("button", name="Publish the evidence").click()
    axe()
    page.goto(base + home.get_absolute_url())
    axe()
    assert "Each new starter has a named buddy." in page.locator("main").inner_text()
    page.goto(base + f"/social-care-commitment/organisations/{home.slug}/dashboard/")
    page.get_by_role("link", name=link_to("Change or take down", earlier)).click()
    axe()
    page.get_by_role("button", name="Take it off the public page").click()
    axe()
    assert page.get_by_text("no longer on your public page").is_visible()

    # 4. The programme's figures now: two done, five overdue, and her published note.
    page.context.clear_cookies()
    page.goto(base + "/social-care-commitment/impact/")
    axe()
    totals = page.locator(".app-totals").inner_text()
    assert "2\ntasks done" in totals and "5\ntasks overdue" in totals
    main = page.locator("main").inner_text()
    assert CLEAN in main and "Each new starter has a named buddy." not in main
    row = page.locator("tbody tr").first.inner_text()
    assert "Recruit for values" in row
    page.get_by_role("link", name="Birch House").click()
    axe()
    assert page.get_by_role("heading", name="Birch House", level=1).is_visible()
