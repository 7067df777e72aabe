"""The Nu HTML checker (npm `vnu-jar`, run on Java 17) for pages the tests render.

The checker refuses loopback URLs, so pages are handed to it as files, and all the pages of
a run go to one Java process: a start costs about a second, a page a few milliseconds.
`make test` installs it with `npm ci` (package.json in the project root) when
`node_modules/` is missing. Without Java or the jar the checks are skipped with a message;
with REQUIRE_BROWSER=1 (CI) they fail instead, as the browser tests do without Chromium.

Errors fail; warnings (advice such as "consider adding lang") do not.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VNU_JAR = Path(os.environ.get("VNU_JAR", ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"))
JAVA = os.environ.get("JAVA", "java")
REQUIRE = os.environ.get("REQUIRE_BROWSER", "").lower() in {"1", "true", "yes"}
# Where the checked pages are written, so an error's line number can be looked up.
ARTIFACTS = ROOT / "test-artifacts" / "html"

# Form tokens differ on every render; without them two views of one page are one page.
_VOLATILE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*|(nonce=")[^"]*')


def unavailable_reason() -> str | None:
    """Why the checker cannot run here, or None when it can."""
    if not shutil.which(JAVA):
        return "Java is not installed (apt-get install default-jre-headless, Java 17 or later)"
    if not VNU_JAR.is_file():
        return f"the Nu HTML checker is not installed at {VNU_JAR.relative_to(ROOT)} (run `npm ci` in {ROOT})"
    return None


@dataclass
class Page:
    url: str
    html: str
    seen_by: list[str] = field(default_factory=list)


@dataclass
class Problem:
    url: str
    line: int | None
    message: str
    extract: str
    seen_by: list[str]
    file: str


class PageSet:
    """Pages to check, one copy of each (a page seen twice is checked once)."""

    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}

    def add(self, url: str, html: str, seen_by: str = "") -> None:
        key = hashlib.sha256(_VOLATILE.sub(r"\1\2", html).encode()).hexdigest()
        page = self.pages.setdefault(key, Page(url=url, html=html))
        if seen_by and seen_by not in page.seen_by:
            page.seen_by.append(seen_by)

    def __len__(self) -> int:
        return len(self.pages)

    def check(self, name: str = "pages") -> list[Problem]:
        return check_pages(list(self.pages.values()), name=name)


def check_pages(pages: list[Page], *, name: str = "pages") -> list[Problem]:
    """Check every page in one run of the checker; the errors it finds, in page order.

    The pages are written to test-artifacts/html/<name>/ (one numbered file each, kept until the
    next run), so the line numbers in a report can be read against what was checked.
    """
    if not pages:
        return []
    folder = ARTIFACTS / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    files = {}
    for number, page in enumerate(pages, start=1):
        path = folder / f"{number:04d}.html"
        path.write_text(page.html, encoding="utf-8")
        files[path.name] = (page, path)
    result = subprocess.run(
        [JAVA, "-Xss1024k", "-jar", str(VNU_JAR), "--format", "json", "--errors-only", "--exit-zero-always"]
        + ["--stdout", "--no-langdetect", "--html", *(str(path) for _, path in files.values())],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    try:
        messages = json.loads(result.stdout)["messages"]
    except (ValueError, KeyError):
        raise RuntimeError(f"the Nu HTML checker did not answer JSON:\n{result.stdout}\n{result.stderr}")
    problems = []
    for message in messages:
        if message.get("type") != "error":
            continue
        # The checker names a file "file:/abs/path"; the numbered file name is enough.
        page, path = files.get(message.get("url", "").rsplit("/", 1)[-1], (None, None))
        problems.append(
            Problem(
                url=page.url if page else message.get("url", "?"),
                line=message.get("lastLine"),
                message=message.get("message", ""),
                extract=message.get("extract", ""),
                seen_by=page.seen_by if page else [],
                file=str(path.relative_to(ROOT)) if path else "?",
            )
        )
    return problems


def report(problems: list[Problem], checked: int) -> str:
    """A readable list: each page with its errors, and the tests that saw it."""
    errors = f"{len(problems)} error{'' if len(problems) == 1 else 's'}"
    lines = [f"The Nu HTML checker found {errors} in {checked} pages:"]
    by_file: dict[str, list[Problem]] = {}
    for problem in problems:
        by_file.setdefault(problem.file, []).append(problem)
    for group in by_file.values():
        first = group[0]
        seen = f"  (seen by {', '.join(first.seen_by[:3])})" if first.seen_by else ""
        lines.append(f"\n{first.url}  [{first.file}]{seen}")
        for problem in group:
            where = f"line {problem.line}" if problem.line else "document"
            extract = " ".join(problem.extract.split())
            lines.append(f"  {where}: {problem.message}")
            if extract:
                lines.append(f"      {extract}")
    return "\n".join(lines)
