"""Headless Chromium (Debian's) through pytest-playwright, with axe-core on every page.

Every document a browser test loads must be checked with `axe(page)` before the test
ends: a fixture counts page loads and fails the test if any page went unchecked, and
`axe` fails on any violation. Browser tests skip when Chromium is missing, unless
REQUIRE_BROWSER=1 (CI), when they fail.
"""

import json
import os
import shutil
from pathlib import Path

import pytest

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


class AxeChecker:
    def __init__(self, page):
        self.page = page
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
def axe(page):
    checker = AxeChecker(page)
    yield checker
    assert not checker.unchecked_urls, f"pages visited without an axe check: {checker.unchecked_urls}"
