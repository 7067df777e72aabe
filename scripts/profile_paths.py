"""CPU time per operation, in one process, for the paths `make bench` measures under load.

On a shared machine wall-clock rates move with everyone else's work; the CPU time this
process spends on one operation does not (much). Each path runs N times through Django's
WSGI handler (the test Client, CSRF checks on, production settings) with the public
micro-cache off, and the script prints `time.process_time()` ms per operation. The
confirmation email is measured as the Celery worker runs it (claim, render, send to the
dummy backend, record), and its render alone. PostgreSQL's own CPU is not included: this
is the web and worker side, where the profile puts the cost.

    DATABASE_URL=postgres://.../carepledge_prof REDIS_URL=redis://127.0.0.1:6379/N \\
        .venv/bin/python scripts/profile_paths.py --setup      # migrate and generate 40,000 pledges
    ... scripts/profile_paths.py                              # every path, 200 times each
    ... scripts/profile_paths.py --only pledge,email -n 500
    ... scripts/profile_paths.py --only search --profile      # and the top of a cProfile
    ... scripts/profile_paths.py --only search --templates    # CPU by template line
    PROFILE_PLEDGE=<id> ... --only pledge-page               # another pledge's page

The database named in DATABASE_URL is used as it is (never a test database): give it one
of your own. The email rows this makes are left sent; the pledges unconfirmed. The send
tasks the pledge path hands to the broker stay in the `celery` list of the Redis database in
REDIS_URL (no worker reads it here): `redis-cli -n N del celery` afterwards.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import statistics
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def configure() -> None:
    """The bench's production settings, on this caller's database and Redis."""
    import importlib.util

    # scripts/bench.py, loaded by path: the name `bench` is the bench app's.
    spec = importlib.util.spec_from_file_location("bench_script", ROOT / "scripts" / "bench.py")
    bench_script = importlib.util.module_from_spec(spec)
    sys.modules["bench_script"] = bench_script
    spec.loader.exec_module(bench_script)
    env = bench_script.bench_env()
    env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    env["REDIS_URL"] = env["CACHE_URL"] = os.environ["REDIS_URL"]
    env["CACHE_KEY_PREFIX"] = "profile"
    env["SITE_URL"] = "http://testserver"
    env["ALLOWED_HOSTS"] = "testserver"
    env["LOG_LEVEL"] = "ERROR"
    env["STATIC_ROOT"] = str(Path(env["STATIC_ROOT"]).with_name("carepledge-profile-static"))
    for key in ("PATH", "HOME", "LANG", "TMPDIR"):
        env.pop(key, None)
    os.environ.update(env)


# As browsers send a form (the test client's default, multipart, costs more to parse).
FORM = "application/x-www-form-urlencoded"
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def pledge_data(theme: int, n: str) -> dict:
    return {
        "text": f"I will say thank you by name to every porter on my corridor, pledge {n}",
        "theme": str(theme),
        "kind": "me",
        "job_role": "nurse",
        "sector": "nhs-acute",
        "region": "london",
        "organisation_name": "",
        "show_name": "role-and-area",
        "name": "Bench",
        "email": f"pledge{n}@bench.carepledge.example",
        "consent": "on",
        "website": "",
    }


class Paths:
    """Each method is one operation; `setup()` makes what they share."""

    def __init__(self):
        from django.test import Client

        from pledges.models import Pledge, Theme
        from pledges.selectors import current_campaign

        self.Client = Client
        self.campaign = current_campaign()
        self.theme = Theme.objects.filter(is_active=True).exclude(slug="dementia").first().pk
        self.pledge_pk = (
            int(os.environ.get("PROFILE_PLEDGE") or 0)
            or (
                Pledge.objects.filter(campaign=self.campaign, status="published")
                .order_by("-id")
                .values_list("pk")[500][0]
            )
        )
        self.moderator = self._moderator()
        self.words = ["porters", "names", "listen", "kind", "time", "thank", "smile", "tea", "night", "team"]
        self.n = 0
        self.email_ids: list[int] = []

    def _moderator(self):
        from allauth.account.models import EmailAddress
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        user, _ = get_user_model().objects.get_or_create(
            email="profile-moderator@bench.carepledge.example",
            defaults={"display_name": "Profile Moderator", "is_staff": True},
        )
        user.groups.add(Group.objects.get_or_create(name="Moderators")[0])
        EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"primary": True, "verified": True})
        client = self.Client()
        client.force_login(user)
        return client

    def _get(self, client, path, status=200):
        response = client.get(path)
        assert response.status_code == status, (path, response.status_code)
        return response

    # --- the submission, as form.lua plays it: GET, POST, POST check-your-answers ---------

    def pledge(self, *, see_check: bool = False):
        from mail.models import Email

        self.n += 1
        client = self.person()
        page = self._get(client, "/pledges/new/")
        token = TOKEN.search(page.content).group(1).decode()
        n = f"{uuid.uuid4().hex[:10]}-{self.n}"
        response = client.post(
            "/pledges/new/",
            urlencode({**pledge_data(self.theme, n), "csrfmiddlewaretoken": token}),
            content_type=FORM,
        )
        assert response.status_code == 302 and response["Location"].endswith("/check/"), response.status_code
        if see_check:
            check = self._get(client, "/pledges/new/check/")
            token = TOKEN.search(check.content).group(1).decode()
        response = client.post("/pledges/new/check/", urlencode({"csrfmiddlewaretoken": token}), content_type=FORM)
        assert response.status_code == 302 and response["Location"].endswith("/sent/"), response["Location"]
        self._last_email = f"pledge{n}@bench.carepledge.example"
        return Email

    def pledge_with_check_page(self):
        self.pledge(see_check=True)

    def pledge_get(self):
        self._get(self.person(), "/pledges/new/")

    # --- pages, nothing cached -----------------------------------------------------------

    def bare(self):
        self._get(self.anon, "/bench/bare")

    def search(self):
        self.n += 1
        self._get(self.anon, f"/pledges/?q={self.words[self.n % len(self.words)]}&r={self.n}")

    def pledge_page(self):
        self.n += 1
        self._get(self.anon, f"/pledges/{self.pledge_pk}/?r={self.n}")

    def wall(self):
        self._get(self.anon, "/pledges/")

    def moderation(self):
        self._get(self.moderator, "/moderation/held-pledges/")

    def directory(self):
        self._get(self.anon, "/social-care-commitment/organisations/")

    def care_makers(self):
        self._get(self.anon, "/care-makers/directory/")

    def impact(self):
        self.n += 1
        self._get(self.anon, f"/pledges/impact/?r={self.n}")

    def impact_search(self):
        self.n += 1
        self._get(self.anon, f"/pledges/impact/?q={self.words[self.n % len(self.words)]}&reach=team&r={self.n}")

    def commitment_impact(self):
        self.n += 1
        self._get(self.anon, f"/social-care-commitment/impact/?r={self.n}")

    def organisation_page(self):
        from organisations.models import Organisation

        if not hasattr(self, "_organisation"):
            self._organisation = Organisation.objects.listed().order_by("pk").first().get_absolute_url()
        self.n += 1
        self._get(self.anon, f"{self._organisation}?r={self.n}")

    def care_maker_figures(self):
        self._get(self.anon, "/care-makers/counts/")

    def care_makers_impact(self):
        self._get(self.anon, "/care-makers/impact/")

    def person(self):
        """A new signed-out visitor: no cookies. (One client, so its handler and middleware
        are built once, as in a server process.)"""
        from http.cookies import SimpleCookie

        if not hasattr(self, "_person"):
            self._person = self.Client(enforce_csrf_checks=True)
        self._person.cookies = SimpleCookie()
        return self._person

    @property
    def anon(self):
        if not hasattr(self, "_anon"):
            self._anon = self.Client()
        return self._anon


def email_rows(count: int) -> list[int]:
    """Confirmation emails queued by real submissions (the pledge path makes them)."""
    from mail.models import Email

    return list(
        Email.objects.filter(kind="pledge-confirm", status=Email.Status.QUEUED)
        .order_by("-id")
        .values_list("pk", flat=True)[:count]
    )


class TemplateLines:
    """CPU per template line: each node's own time (its children's taken out), summed by
    the template and line it was written on. Tags that render other templates ({% include %},
    {% extends %}) keep only their own overhead; the included template's lines have the rest."""

    def __init__(self):
        self.own: dict[tuple[str, int], float] = {}
        self.calls: dict[tuple[str, int], int] = {}
        self.stack: list[float] = []

    def __enter__(self):
        from django.template import base

        self.original = original = base.Node.render_annotated
        lines = self

        def timed(node, context):
            started = time.process_time()
            lines.stack.append(0.0)
            try:
                return original(node, context)
            finally:
                children = lines.stack.pop()
                spent = time.process_time() - started
                origin = getattr(node, "origin", None)
                where = (getattr(origin, "template_name", None) or "?", (node.token.lineno if node.token else 0))
                lines.own[where] = lines.own.get(where, 0.0) + spent - children
                lines.calls[where] = lines.calls.get(where, 0) + 1
                if lines.stack:
                    lines.stack[-1] += spent

        base.Node.render_annotated = timed
        return self

    def __exit__(self, *exc):
        from django.template import base

        base.Node.render_annotated = self.original

    def report(self, n: int, top: int = 30) -> None:
        total = sum(self.own.values())
        print(f"template nodes: {total / n * 1000:.2f} ms CPU/op (timer overhead included), by line:")
        for (name, line), spent in sorted(self.own.items(), key=lambda kv: -kv[1])[:top]:
            calls = self.calls[(name, line)] / n
            print(f"  {spent / n * 1000:6.2f} ms  {spent / total:4.0%}  x{calls:<5.0f} {name}:{line}")


def time_it(name: str, operation, n: int, *, profile: bool, templates: bool = False) -> float:
    for _ in range(max(3, n // 20)):  # warm: template loader, connections, first queries
        operation()
    profiler = cProfile.Profile(time.process_time) if profile else None
    samples = []
    if profiler:
        profiler.enable()
    if templates:
        with TemplateLines() as lines:
            for _ in range(n):
                operation()
        lines.report(n)
    started = time.process_time()
    for _ in range(n):
        one = time.process_time()
        operation()
        samples.append(time.process_time() - one)
    total = time.process_time() - started
    if profiler:
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(
            int(os.environ.get("PROFILE_TOP", "45"))
        )
        print(out.getvalue())
    per = total / n * 1000
    print(f"{name:<26} {per:7.2f} ms CPU/op   (median {statistics.median(samples) * 1000:.2f}, n={n})", flush=True)
    return per


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="comma-separated: " + ", ".join(ALL))
    parser.add_argument("-n", type=int, default=200, help="operations per path (default 200)")
    parser.add_argument("--profile", action="store_true", help="print the top of a cProfile per path")
    parser.add_argument("--templates", action="store_true", help="print CPU by template line per path")
    parser.add_argument("--setup", action="store_true", help="migrate and generate 40,000 pledges, then stop")
    args = parser.parse_args()
    configure()
    import django

    django.setup()
    from django.core.management import call_command

    if not Path(os.environ["STATIC_ROOT"], "staticfiles.json").exists():
        call_command("collectstatic", "--noinput", verbosity=0)
    if args.setup:
        call_command("migrate", "--noinput", verbosity=0)
        call_command("generate_scale_data", "--pledges", "40000", "--care-makers", "1000", "--organisations", "600")
        return

    from django.test.utils import override_settings

    # The micro-cache off: every page is rendered (the blank pledge form's own cache stays,
    # as it is part of how the form is served).
    override_settings(PLEDGES_MICROCACHE_ENABLED=False).enable()

    paths = Paths()
    wanted = args.only.split(",") if args.only else ALL
    results = {}
    for name in wanted:
        if name == "email":
            results[name] = time_email(args.n, profile=args.profile)
        elif name == "email-render":
            results[name] = time_render(args.n, profile=args.profile)
        else:
            results[name] = time_it(
                name, getattr(paths, name.replace("-", "_")), args.n, profile=args.profile, templates=args.templates
            )
    if "bare" in results:
        print("\nratio to the bare view (CPU in this process):")
        for name, per in results.items():
            print(f"  {name:<24} {results['bare'] / per:6.0%}")


def time_email(n: int, *, profile: bool) -> float:
    """The worker's whole task per message: claim, render both parts, send (dummy backend), record."""
    from mail.services import email_deliver

    ids = email_rows(n + max(3, n // 20))
    if len(ids) < n + 3:
        raise SystemExit(f"only {len(ids)} queued confirmation emails: run the pledge path first")
    ids = iter(ids)
    return time_it("email (worker task)", lambda: email_deliver(email_id=next(ids)), n, profile=profile)


def time_render(n: int, *, profile: bool) -> float:
    from mail.models import Email
    from mail.rendering import render_email

    email = Email.objects.filter(kind="pledge-confirm").order_by("-id").first()
    return time_it("email render (3 parts)", lambda: render_email(email.kind, email.context), n, profile=profile)


ALL = [
    "bare",
    "pledge-get",
    "pledge",
    "pledge-with-check-page",
    "email",
    "email-render",
    "search",
    "pledge-page",
    "moderation",
    "directory",
    "care-makers",
    "impact",
    "impact-search",
    "commitment-impact",
    "organisation-page",
    "care-maker-figures",
    "care-makers-impact",
]

if __name__ == "__main__":
    main()
