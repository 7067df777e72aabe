"""Screenshot pages in headless Chromium at desktop and phone widths, for a person to look at.

.venv/bin/python scripts/screenshot.py http://127.0.0.1:8000/ /pledges/ --out var/shots
"""

import argparse
import re
from pathlib import Path

from playwright.sync_api import sync_playwright

LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default="var/shots")
    parser.add_argument("--widths", default="1280,390")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=LAUNCH_ARGS)
        for width in [int(w) for w in args.widths.split(",")]:
            page = browser.new_page(viewport={"width": width, "height": 900})
            for url in args.urls:
                full = url if url.startswith("http") else args.base + url
                page.goto(full)
                name = (
                    re.sub(r"[^a-z0-9]+", "-", full.split("//", 1)[-1].split("/", 1)[-1].lower()).strip("-") or "home"
                )
                path = out / f"{name}-{width}.png"
                page.screenshot(path=str(path), full_page=True)
                print(path)
        browser.close()


if __name__ == "__main__":
    main()
