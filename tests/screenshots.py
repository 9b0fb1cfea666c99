"""`make screenshots`: each theme page in light and dark mode, at phone and desktop widths, as PNGs.

Serves the built site/ on 127.0.0.1 and drives Debian's Chromium; files go to the folder given
(screenshots/ by default, not committed), named PAGE-SCHEME-WIDTH.png.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["", "russia-china/", "russia-china/money-and-arms/", "russia-china/the-west/", "russia-china/alliance/",
         "russia-china/balance/", "docking/", "rats/", "rats/exercises/", "rats/threats/", "enlargement/",
         "enlargement/what-changed/", "economy/", "economy/banks-and-sanctions/", "timeline/"]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def main(out: Path) -> int:
    site = ROOT / "site"
    if not (site / "index.html").is_file():
        print("site/ is missing: run `make build` first", file=sys.stderr)
        return 1
    out.mkdir(parents=True, exist_ok=True)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=ARGS)
        for scheme in ("light", "dark"):
            for width, height in ((375, 812), (1280, 900)):
                context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme,
                                              device_scale_factor=1)
                page = context.new_page()
                for path in PAGES:
                    page.goto(base + path, wait_until="networkidle")
                    name = (path.strip("/").replace("/", "-") or "home") + f"-{scheme}-{width}.png"
                    page.screenshot(path=str(out / name), full_page=False)
                    print(out / name)
                context.close()
        browser.close()
    httpd.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")))
