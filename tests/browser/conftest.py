"""Headless Chromium (Debian's) through pytest-playwright, with axe-core on every page.

Every document a browser test loads must be checked with `axe(page)` before the test
ends: a fixture counts page loads and fails the test if any page went unchecked, and
`axe` fails on any violation. Browser tests skip when Chromium is missing, unless
REQUIRE_BROWSER=1 (CI), when they fail.

`axe` also keeps the HTML of each page it checks (as the browser has it then, so form
error states and what scripts changed are included); at the end of the session every
distinct page goes through the Nu HTML checker in one run, and any error fails the
session with the page's URL, line and message (tests/htmlcheck.py).
"""

import json
import os
import shutil
from pathlib import Path

import pytest

from tests import htmlcheck

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER", "").lower() in {"1", "true", "yes"}
HAVE_CHROMIUM = bool(shutil.which(CHROMIUM) or os.path.exists(CHROMIUM))

# The live server runs in a thread of this process; Django's async-safety check would
# otherwise refuse the ORM calls tests make next to Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            if not HAVE_CHROMIUM and not REQUIRE_BROWSER:
                item.add_marker(pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM} (apt-get install chromium)"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not HAVE_CHROMIUM:
        pytest.fail(f"REQUIRE_BROWSER=1 but Chromium is not installed at {CHROMIUM}")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # axe is injected as an inline script, which the site's own CSP (rightly) forbids.
    return {**browser_context_args, "bypass_csp": True, "viewport": {"width": 1280, "height": 900}}


@pytest.fixture(scope="session")
def html_pages():
    """Every page the browser tests checked with axe, validated in one run at the end."""
    reason = htmlcheck.unavailable_reason()
    if reason and htmlcheck.REQUIRE:
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
    pages = htmlcheck.PageSet()
    yield None if reason else pages
    if reason or not pages:
        return
    problems = pages.check(name="browser")
    if problems:
        pytest.fail(htmlcheck.report(problems, len(pages)), pytrace=False)


class AxeChecker:
    def __init__(self, page, html_pages=None, test_id=""):
        self.page = page
        self.html_pages = html_pages
        self.test_id = test_id
        self.loads = 0
        self.checked = 0
        self.unchecked_urls: list[str] = []
        page.on("load", self._on_load)

    def _on_load(self, page):
        self.loads += 1
        self.unchecked_urls.append(page.url)

    def __call__(self, page=None):
        page = page or self.page
        page.wait_for_load_state("load")
        if self.html_pages is not None:
            # Before axe's own script tag goes in.
            self.html_pages.add(page.url, page.content(), seen_by=self.test_id)
        page.add_script_tag(path=str(AXE_JS))
        result = page.evaluate(
            "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
            " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})); }"
        )
        self.checked = self.loads
        self.unchecked_urls.clear()
        assert result == [], f"axe found problems on {page.url}:\n{json.dumps(result, indent=2)}"


@pytest.fixture
def axe(page, html_pages, request):
    checker = AxeChecker(page, html_pages, request.node.nodeid)
    yield checker
    assert not checker.unchecked_urls, f"pages visited without an axe check: {checker.unchecked_urls}"
