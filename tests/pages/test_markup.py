"""Every kind of page passes the Nu HTML checker, including those no browser journey visits.

The demo data gives each page something to show. Each persona starts from a few pages and
follows the site's own links (two pages for each URL pattern and set of query parameters), so
a new page is checked as soon as something links to it; forms are posted invalid to check
their error states; every email's HTML part is rendered from its preview. All of it goes to
the checker in one run (tests/htmlcheck.py), and any error fails with page, line and message.
"""

import html as html_lib
import io
import re
from collections import Counter, deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

from tests import htmlcheck

DEMO = "@demo.carepledge.example"
# Not pages of ours (the Django admin), not HTML, or leaving the session (sign out).
NOT_CRAWLED = re.compile(r"^/(admin|static|media)/|^/account/logout/|^/healthz|/feed/$|\.(csv|json|svg|xml|png|txt)$")
PER_PATTERN = 2  # pages of one URL pattern (and set of query parameters) per persona
PER_PATTERN_IN_ALL = 5  # and across all personas: a public page differs little between them
PER_PERSONA = 60
LINK = re.compile(r"<a\s[^>]*?href=\"([^\"]*)\"")

# Who walks the site, by demo login (None: signed out), and where each starts.
PERSONAS = {
    "visitor": (
        None,
        ["/", "/pledges/", "/care-makers/", "/social-care-commitment/", "/no-such-page/", "/account/password/reset/"],
    ),
    "pledger": ("yasmin.begum" + DEMO, ["/my-account/", "/pledges/", "/account/email/", "/account/password/change/"]),
    "applicant": ("amara.okafor" + DEMO, ["/my-account/", "/care-makers/my-application/"]),
    "closed role": ("harpreet.gill" + DEMO, ["/care-makers/apply/"]),
    "care maker": ("aled.price" + DEMO, ["/my-account/", "/care-makers/my-profile/", "/care-makers/stories/"]),
    "regional lead": ("lena.osei" + DEMO, ["/my-account/", "/care-makers/review/"]),
    "moderator": ("morag.stewart" + DEMO, ["/my-account/", "/moderation/", "/care-makers/stories/moderate/"]),
    "representative": ("isla.thompson" + DEMO, ["/my-account/", "/social-care-commitment/"]),
    "unverified representative": ("sarah.mitchell" + DEMO, ["/my-account/", "/social-care-commitment/"]),
    "champion": ("uzma.ali" + DEMO, ["/my-account/"]),
    "committed staff": ("grace.oneill" + DEMO, ["/my-account/"]),
    "programme admin": (
        "admin@carepledge.example",
        ["/my-account/", "/dashboard/", "/moderation/", "/moderation/log/", "/email/previews/", "/milestones/"],
    ),
}


def _client(email):
    from accounts.models import User

    client = Client()
    if email:
        client.force_login(User.objects.get(email=email))
    return client


def _pattern(path: str, query: str) -> str:
    try:
        route = resolve(path).route
    except Resolver404:
        route = "404"
    return route + "?" + ",".join(sorted(part.split("=")[0] for part in query.split("&") if part))


def _crawl(client, start: list[str], pages: htmlcheck.PageSet, persona: str, in_all: Counter) -> int:
    queue = deque(start)
    seen: set[str] = set()
    per_pattern: Counter = Counter()
    fetched = 0
    while queue and fetched < PER_PERSONA:
        url = queue.popleft()
        parts = urlsplit(url)
        if url in seen or NOT_CRAWLED.search(parts.path):
            continue
        seen.add(url)
        pattern = _pattern(parts.path, parts.query)
        if url not in start and (per_pattern[pattern] >= PER_PATTERN or in_all[pattern] >= PER_PATTERN_IN_ALL):
            continue
        per_pattern[pattern] += 1
        in_all[pattern] += 1
        response = client.get(url)
        fetched += 1
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            continue
        if not response["Content-Type"].startswith("text/html"):
            continue
        text = response.content.decode()
        pages.add(url, text, seen_by=persona)
        for href in LINK.findall(text):
            target = urlsplit(urljoin(url, html_lib.unescape(href)))
            if target.scheme in ("http", "https") and target.netloc != "testserver":
                continue
            if target.scheme in ("", "http", "https"):
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return fetched


def _post_invalid(client, url: str, data: dict, pages: htmlcheck.PageSet, persona: str) -> None:
    """Post a form wrongly and keep the page that says so (which must say so)."""
    # As a browser posts an empty form: its token and nothing else (views read an empty POST as a GET).
    response = client.post(url, {"csrfmiddlewaretoken": "", **data})
    text = response.content.decode()
    title = re.search(r"<title>(.*?)</title>", text, re.S)
    assert response.status_code in (200, 400) and "nhsuk-error-summary" in text, (
        f"{persona}: posting {data} to {url} gave {response.status_code}, "
        f"{title.group(1).strip() if title else 'no title'!r}, without an error summary"
    )
    pages.add(f"{url} (POST {sorted(data)})", text, seen_by=persona)


def _form_error_pages(pages: htmlcheck.PageSet) -> None:
    from ambassadors.models import Application
    from moderation.queues import all_queues
    from organisations.models import CommitmentTask, Organisation
    from pledges.models import Pledge
    from tests.factories import UserFactory

    pledge = Pledge.objects.filter(status=Pledge.Status.PUBLISHED).order_by("pk").first()
    oak = Organisation.objects.get(name="Oak Lodge Care Home")
    uncommitted = Organisation.objects.filter(verified_at__isnull=False, commitment__isnull=True).first()
    task = CommitmentTask.objects.filter(commitment__organisation=oak, done_at__isnull=True).first()
    waiting = Application.objects.filter(user__email="amara.okafor" + DEMO).get()
    newcomer = UserFactory(email="newcomer@example.org", display_name="Noor Newcomer", job_role="nurse")

    visitor = _client(None)
    for url, data in [
        ("/pledges/new/", {}),
        (f"/pledges/{pledge.pk}/report/", {}),
        ("/pledges/links/", {"email": "not an email"}),
        ("/account/login/", {"login": "nobody@example.org", "password": "wrong"}),
        ("/account/signup/", {"email": "not an email", "password1": "a", "password2": "b"}),
        ("/account/password/reset/", {"email": "not an email"}),
    ]:
        _post_invalid(visitor, url, data, pages, "visitor")

    client = _client(newcomer.email)
    for url, data in [
        ("/care-makers/apply/", {}),
        ("/social-care-commitment/register/", {}),
        (f"/social-care-commitment/organisations/{oak.slug}/join/", {}),
        ("/my-account/details/", {"display_name": "x" * 500}),
        ("/my-account/delete/", {}),
    ]:
        _post_invalid(client, url, data, pages, "newcomer")

    _post_invalid(_client("aled.price" + DEMO), "/care-makers/stories/new/", {}, pages, "care maker")
    lead = _client("lena.osei" + DEMO)
    _post_invalid(lead, f"/care-makers/review/{waiting.pk}/", {}, pages, "regional lead")

    rep = _client("isla.thompson" + DEMO)
    _post_invalid(rep, f"/social-care-commitment/organisations/{oak.slug}/people/", {}, pages, "representative")
    _post_invalid(rep, f"/social-care-commitment/organisations/{oak.slug}/tasks/{task.pk}/done/", {}, pages, "rep")
    done = CommitmentTask.objects.filter(commitment__organisation=oak, done_at__isnull=False).first()
    evidence = {"action": "publish", "evidence": "Ring 01392 496123 for the records"}
    _post_invalid(
        rep, f"/social-care-commitment/organisations/{oak.slug}/tasks/{done.pk}/evidence/", evidence, pages, "rep"
    )
    _post_invalid(
        _client("uzma.ali" + DEMO), f"/social-care-commitment/organisations/{oak.slug}/champion/", {}, pages, "champ"
    )
    if uncommitted is not None:
        rep_of_uncommitted = _client(uncommitted.memberships.first().user.email)
        _post_invalid(
            rep_of_uncommitted, f"/social-care-commitment/organisations/{uncommitted.slug}/commit/", {}, pages, "rep"
        )

    moderator = _client("admin@carepledge.example")
    for queue in all_queues():
        item = queue.waiting().first()
        if item is None:
            continue
        url = f"/moderation/{queue.key}/{item.pk}/"
        _post_invalid(moderator, url, {"intent": "decide"}, pages, "programme admin")
        claimed = moderator.post(url, {"intent": "claim"}, follow=True)
        pages.add(f"{url} (claimed)", claimed.content.decode(), seen_by="programme admin")
        other = _client("morag.stewart" + DEMO).get(url)
        pages.add(f"{url} (claimed by another)", other.content.decode(), seen_by="moderator")


def _email_pages(pages: htmlcheck.PageSet) -> None:
    """The HTML part of every email, and the pages its links open without signing in."""
    from mail import links
    from mail.models import Email
    from mail.previews import all_previews

    visitor = _client(None)
    email = "yasmin.begum" + DEMO
    for url in (
        links.preferences_url(email),
        links.unsubscribe_url(email, Email.Category.NEWS),
        "/email/preferences/x/",
    ):
        path = urlsplit(url).path
        response = visitor.get(path)
        assert response.status_code in (200, 400), path
        pages.add(path, response.content.decode(), seen_by="email link")

    # What "Email me links to my pledges" opens for someone without an account.
    from accounts.data_rights import data_link_token
    from pledges.models import Pledge
    from pledges.services import manage_token

    pledge = Pledge.objects.filter(status=Pledge.Status.PUBLISHED, user__isnull=True).order_by("pk").first()
    manage, data = manage_token(pledge), data_link_token(pledge.email)
    for path in (
        f"/pledges/manage/{manage}/",
        f"/pledges/manage/{manage}/withdraw/",
        f"/pledges/{pledge.pk}/",  # now as its owner
        f"/my-account/your-data/{data}/",
        f"/my-account/your-data/{data}/delete/",
        "/my-account/your-data/x/",
    ):
        response = visitor.get(path)
        assert response.status_code in (200, 404), path
        pages.add(path, response.content.decode(), seen_by="pledger by link")
    _post_invalid(visitor, f"/my-account/your-data/{data}/delete/", {}, pages, "pledger by link")

    admin = _client("admin@carepledge.example")
    for kind in sorted(all_previews()):
        url = f"/email/previews/{kind}/html/"
        response = admin.get(url)
        assert response.status_code == 200, url
        pages.add(url, response.content.decode(), seen_by="email preview")


def _require_checker():
    reason = htmlcheck.unavailable_reason()
    if reason:
        if htmlcheck.REQUIRE:
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)


VALID = '<!DOCTYPE html><html lang="en-GB"><head><title>Fine</title></head><body><p>Fine</p></body></html>'
INVALID = (
    '<!DOCTYPE html><html lang="en-GB"><head><title>Not fine</title></head><body>\n'
    '<form><input type="hidden" name="role" id="id_role"><input type="hidden" name="csrfmiddlewaretoken" value="a">'
    '</form>\n<select name="role" id="id_role"><option>Nurse</option></select></body></html>'
)


def test_the_checker_names_the_page_line_and_error_and_passes_a_valid_page():
    _require_checker()
    pages = htmlcheck.PageSet()
    pages.add("/fine/", VALID, seen_by="test")
    pages.add("/apply/", INVALID, seen_by="test")
    pages.add("/apply/", INVALID.replace('value="a"', 'value="b"'), seen_by="again")  # same page, new token
    assert len(pages) == 2
    problems = pages.check(name="selftest")
    assert [(p.url, p.line, p.message) for p in problems] == [("/apply/", 3, "Duplicate ID “id_role”.")]
    assert problems[0].seen_by == ["test", "again"]
    text = htmlcheck.report(problems, len(pages))
    assert "1 error in 2 pages" in text and "/apply/" in text and "line 3: Duplicate ID" in text


@pytest.mark.django_db
@pytest.mark.needs_postgres
def test_every_kind_of_page_is_valid_html():
    _require_checker()
    call_command("load_demo", stdout=io.StringIO())
    pages = htmlcheck.PageSet()
    in_all: Counter = Counter()
    fetched = {name: _crawl(_client(email), start, pages, name, in_all) for name, (email, start) in PERSONAS.items()}
    _form_error_pages(pages)
    _email_pages(pages)
    assert all(fetched.values()), fetched
    assert len(pages) > 120, f"only {len(pages)} pages were rendered: has the crawl lost its way?"
    problems = pages.check(name="http")
    if problems:
        pytest.fail(htmlcheck.report(problems, len(pages)), pytrace=False)
