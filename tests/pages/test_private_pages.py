"""Staff pages and pages of someone's own data are never kept by a shared cache or the browser."""

import pytest

pytestmark = pytest.mark.django_db


def private_urls(world) -> list[tuple[str, str]]:
    """(who is signed in, URL): every staff page, every account page, every secret link."""
    org = world.organisation.slug
    tokens = world.tokens()
    return [
        ("programme_admin", "/moderation/"),  # a redirect to the first queue: no data, but signed in
        ("programme_admin", "/moderation/log/"),
        ("programme_admin", "/moderation/held-pledges/"),
        ("programme_admin", f"/moderation/held-pledges/{world.held.pk}/"),
        ("programme_admin", "/moderation/organisations-to-verify/"),
        ("moderator", "/moderation/reported-pledges/"),
        ("moderator", "/moderation/care-maker-stories/"),
        ("programme_admin", "/dashboard/"),
        ("programme_admin", "/dashboard/pledges.csv"),
        ("programme_admin", "/dashboard/breakdown/region.csv"),
        ("programme_admin", "/milestones/"),
        ("programme_admin", "/email/previews/"),
        ("programme_admin", "/email/previews/pledge-confirm/"),
        ("programme_admin", "/email/previews/pledge-confirm/html/"),
        ("programme_admin", "/my-account/data-requests/"),
        ("programme_admin", "/admin/"),
        ("lead", "/care-makers/review/"),
        ("lead", f"/care-makers/review/{world.application.pk}/"),
        ("org_rep", f"/social-care-commitment/organisations/{org}/dashboard/"),
        ("org_rep", f"/social-care-commitment/organisations/{org}/people/"),
        ("org_rep", f"/social-care-commitment/organisations/{org}/poster/"),
        ("org_rep", f"/social-care-commitment/access-requests/{world.access_request.pk}/"),
        ("supporter", "/my-account/"),
        ("supporter", "/my-account/details/"),
        ("supporter", "/my-account/your-data/"),
        ("supporter", "/my-account/delete/"),
        ("supporter", "/account/email/"),
        ("supporter", "/account/password/change/"),
        ("supporter", f"/pledges/{world.pledge.pk}/manage/"),
        ("ambassador", "/care-makers/my-profile/"),
        ("applicant", "/care-makers/my-application/"),
        (None, f"/pledges/manage/{tokens['manage']}/"),
        (None, f"/pledges/confirm/{tokens['confirm']}/"),
        (None, f"/care-makers/endorse/{tokens['endorse']}/"),
        (None, f"/care-makers/recommit/{tokens['recommit']}/"),
        (None, f"/email/preferences/{tokens['preferences']}/"),
        (None, f"/social-care-commitment/join/{tokens['invite']}/"),
    ]


def test_every_staff_and_personal_page_says_private_no_store(client, world):
    failures = []
    for who, url in private_urls(world):
        client.logout()
        if who:
            client.force_login(world.application.user if who == "applicant" else getattr(world, who))
        response = client.get(url)
        cache_control = response.get("Cache-Control", "")
        if response.status_code not in {200, 302} or not {"private", "no-store"} <= {
            part.strip() for part in cache_control.split(",")
        }:
            failures.append((who, url, response.status_code, cache_control))
    assert not failures, "\n".join(map(str, failures))


def test_a_signed_out_persons_pledge_check_page_is_private(client, world, pledge_form):
    client.post("/pledges/new/", pledge_form)
    response = client.get("/pledges/new/check/")
    assert pledge_form["email"] in response.content.decode()
    assert response["Cache-Control"] in {"private, no-store", "no-store, private"}


@pytest.mark.parametrize("url", ["/", "/pledges/", "/care-makers/directory/", "/pledges/counter.svg"])
def test_public_pages_for_people_signed_out_keep_their_own_caching(client, world, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
