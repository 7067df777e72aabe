"""Each person finds what is theirs from the header and the account page, and nothing else."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.choices import Region
from ambassadors.models import RegionalLead
from tests.ambassadors.factories import StoryFactory
from tests.factories import UserFactory
from tests.organisations.factories import make_organisation

pytestmark = pytest.mark.django_db

TOOLS = {
    "Moderation queue": "/moderation/",
    "Care Maker applications": "/care-makers/review/",
    "Dashboard": "/dashboard/",
    "Milestones": "/milestones/",
    "Data requests": "/my-account/data-requests/",
    "Email previews": "/email/previews/",
    "Django admin": "/admin/",
}


@pytest.fixture
def regional_lead(db):
    lead = UserFactory(email="lead@example.org", display_name="Lee Lead", region=Region.LONDON)
    RegionalLead.objects.create(user=lead, region=Region.LONDON)
    return lead


def header(html: str) -> str:
    return html.split('<header class="nhsuk-header"', 1)[1].split("</header>", 1)[0]


def staff_section(html: str) -> str:
    if 'id="staff-tools"' not in html:
        return ""
    return html.split('id="staff-tools"', 1)[1].split("</ul>", 1)[0]


def tool_links(html: str) -> dict[str, str]:
    return {label: href for href, label in re.findall(r'<a href="([^"]+)">([^<]+)</a>', staff_section(html))}


@pytest.mark.parametrize(
    "persona,tools",
    [
        ("supporter", set()),
        ("org_rep", set()),
        ("regional_lead", {"Care Maker applications"}),
        ("moderator", {"Moderation queue", "Email previews", "Django admin"}),
        ("programme_admin", set(TOOLS)),
    ],
)
def test_each_role_sees_its_tools_and_no_others(client, request, persona, tools):
    client.force_login(request.getfixturevalue(persona))
    html = client.get(reverse("accounts:home")).content.decode()
    links = tool_links(html)
    assert set(links) == tools
    for label in tools:
        assert links[label] == TOOLS[label]
        # every tool listed opens for the person it is listed for
        assert client.get(TOOLS[label]).status_code in (200, 302), label
    assert ("Staff tools" in header(html)) is bool(tools)


def test_the_header_leads_staff_to_their_tools_from_any_page(client, moderator):
    client.force_login(moderator)
    for url in ("/", reverse("pledges:index"), reverse("organisations:index")):
        head = header(client.get(url).content.decode())
        assert 'href="/my-account/#staff-tools"' in head
        assert ">Admin<" not in head  # the Django admin is one of the tools, not a menu item


def test_header_shows_how_many_items_wait_for_moderation(client, moderator):
    StoryFactory(held=True)
    StoryFactory()
    client.force_login(moderator)
    head = header(client.get("/").content.decode())
    assert re.search(r'app-header-count">2<span class="nhsuk-u-visually-hidden"> waiting for moderation', head)
    section = staff_section(client.get(reverse("accounts:home")).content.decode())
    assert "2 waiting" in section


def test_waiting_count_is_kept_for_half_a_minute_not_counted_on_every_page(client, moderator):
    StoryFactory()
    client.force_login(moderator)
    client.get("/")  # counts once and keeps the figure
    StoryFactory()
    with _no_queue_counts() as seen:
        head = header(client.get("/").content.decode())
    assert 'app-header-count">1<' in head and not seen
    cache.clear()
    assert 'app-header-count">2<' in header(client.get("/").content.decode())


class _no_queue_counts:
    """Records any SELECT COUNT over the story table while active."""

    def __enter__(self):
        from django.db import connection

        self.seen = []
        self.wrapper = connection.execute_wrapper(self._record)
        self.wrapper.__enter__()
        return self.seen

    def _record(self, execute, sql, params, many, context):
        if "COUNT(" in sql.upper() and "ambassadors_story" in sql:
            self.seen.append(sql)
        return execute(sql, params, many, context)

    def __exit__(self, *exc):
        self.wrapper.__exit__(*exc)


def test_people_without_a_staff_role_get_no_count_and_no_count_query(client, supporter):
    StoryFactory()
    client.force_login(supporter)
    with _no_queue_counts() as seen:
        head = header(client.get("/").content.decode())
    assert "Staff tools" not in head and "app-header-count" not in head and not seen


def test_nobody_signed_out_sees_staff_tools(client):
    head = header(client.get("/").content.decode())
    assert "Staff tools" not in head and "Sign in" in head


def test_account_page_reaches_each_persons_own_things(client, org_rep):
    organisation = make_organisation(rep=org_rep, name="Oak Lodge Care Home")
    client.force_login(org_rep)
    html = client.get(reverse("accounts:home")).content.decode()
    assert reverse("organisations:dashboard", args=[organisation.slug]) in html
    assert "Your pledges" in html and reverse("ambassadors:my_application") in html


def test_the_story_moderation_link_goes_to_the_audited_queue(client, moderator):
    client.force_login(moderator)
    html = client.get(reverse("accounts:home")).content.decode()
    assert reverse("moderation:queue", args=["care-maker-stories"]) in html
    assert "/care-makers/stories/moderate/" not in html
