"""`make screenshots`: every theme and reference page in light and dark mode, at phone and desktop widths.

Serves the built site/ with `make preview`'s server on a free port and drives Debian's Chromium; files
go to the folder given (screenshots/ by default, not committed), named PAGE-SCHEME-WIDTH.png. With
--readme, it also writes the four pictures the README shows: the home page's first screen on a phone and a
desktop in light mode (readme/), and (media/readme/) a phone in dark mode with a citation preview open and a
desktop in dark mode at the membership chart.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import threading
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["", "russia-china/", "russia-china/money-and-arms/", "russia-china/the-west/", "russia-china/alliance/",
         "russia-china/balance/", "docking/", "rats/", "rats/exercises/", "rats/threats/", "enlargement/",
         "enlargement/what-changed/", "economy/", "economy/banks-and-sanctions/", "timeline/", "members/",
         "figures/", "glossary/"]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
PHONE, DESKTOP = (375, 812), (1280, 800)


def home_pictures(browser: object, base: str, out: Path) -> None:
    """The README's first two pictures: the home page as a newcomer first sees it, light mode, phone and desktop."""
    for name, width, height in (("home-phone.png", 375, 812), ("home-desktop.png", 1280, 900)):
        context = browser.new_context(viewport={"width": width, "height": height}, color_scheme="light")  # type: ignore[attr-defined]
        page: Page = context.new_page()
        page.goto(base, wait_until="networkidle")
        page.screenshot(path=str(out / name))
        context.close()
        print(out / name)


def readme_pictures(browser: object, base: str, out: Path) -> None:
    """The README's two pictures in dark mode."""
    out.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": PHONE[0], "height": PHONE[1]}, color_scheme="dark",  # type: ignore[attr-defined]
                                  has_touch=True, is_mobile=True, device_scale_factor=2)
    page: Page = context.new_page()
    page.goto(base + "russia-china/", wait_until="networkidle")
    marker = page.locator("article a.sco-cite").nth(6)
    marker.evaluate("el => window.scrollBy(0, el.getBoundingClientRect().top - innerHeight * 0.78)")
    marker.tap()
    page.locator(".sco-tip").wait_for(state="visible")
    page.screenshot(path=str(out / "phone-dark.png"))
    context.close()
    context = browser.new_context(viewport={"width": DESKTOP[0], "height": DESKTOP[1]}, color_scheme="dark")  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(base + "enlargement/", wait_until="networkidle")
    page.locator(".sco-chart").first.evaluate("el => window.scrollBy(0, el.getBoundingClientRect().top - 90)")
    page.screenshot(path=str(out / "desktop-dark.png"))
    context.close()
    print(out / "phone-dark.png", out / "desktop-dark.png", sep="\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.screenshots")
    parser.add_argument("out", nargs="?", default="screenshots", type=Path)
    parser.add_argument("--readme", action="store_true", help="also write the README's pictures (readme/, media/readme/)")
    args = parser.parse_args(argv)
    site = ROOT / "site"
    if not (site / "index.html").is_file():
        print("site/ is missing: run `make build` first", file=sys.stderr)
        return 1
    sys.path.insert(0, str(ROOT))
    from macros.preview import make_server

    args.out.mkdir(parents=True, exist_ok=True)
    httpd = make_server(site, 0, quiet=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=ARGS)
            for scheme in ("light", "dark"):
                for width, height in (PHONE, DESKTOP):
                    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme,
                                                  device_scale_factor=1)
                    page = context.new_page()
                    for path in PAGES:
                        page.goto(base + path, wait_until="networkidle")
                        name = (path.strip("/").replace("/", "-") or "home") + f"-{scheme}-{width}.png"
                        page.screenshot(path=str(args.out / name), full_page=False)
                        print(args.out / name)
                    context.close()
            if args.readme:
                home_pictures(browser, base, ROOT / "readme")
                readme_pictures(browser, base, ROOT / "media" / "readme")
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
