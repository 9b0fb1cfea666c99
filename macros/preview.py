"""`make preview`: serve a built site on 127.0.0.1 the way a static host does.

Unlike `mkdocs serve` (which rebuilds and injects a reload script) or `python -m http.server`
(no compression, no cache headers), this answers as a production host would, so that Lighthouse
and the browser tests measure what readers get:

- text files (HTML, CSS, JS, JSON, SVG, XML, CSV) gzip-compressed when the client accepts it,
  compressed once per file version and kept in memory;
- `Cache-Control`: a year, immutable, for fingerprinted files (`bundle.4f1a2b3c.min.js`);
  `no-cache` (revalidate) for HTML; an hour for the rest; an `ETag` on every file, answered
  with 304 when it matches;
- `/folder` redirected to `/folder/`, `folder/index.html` served for `/folder/`, the site's
  404.html with status 404 for anything missing, and nothing outside the site folder.

Usage: python -m macros.preview [SITE_DIR] [--port N] (port 0: any free port; the URL is printed).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import http.server
import mimetypes
import re
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

COMPRESSIBLE = {"text/html", "text/css", "text/javascript", "application/javascript", "application/json",
                "image/svg+xml", "application/xml", "text/xml", "text/csv", "text/plain", "application/ld+json",
                "application/manifest+json"}
#: A content hash in the file name, as Material gives its bundles: `main.57a0d79d.min.css`.
FINGERPRINT = re.compile(r"\.[0-9a-f]{8,}\.(min\.)?(js|css)$")
TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".json": "application/json",
         ".jsonld": "application/ld+json", ".csv": "text/csv", ".svg": "image/svg+xml", ".xml": "application/xml",
         ".webmanifest": "application/manifest+json", ".gz": "application/gzip", ".txt": "text/plain"}


@dataclass(frozen=True)
class Body:
    """One file version as served: its bytes, gzip bytes (None if not worth compressing), type and ETag."""

    raw: bytes
    gz: bytes | None
    ctype: str
    etag: str


def content_type(path: Path) -> str:
    ctype = TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"{ctype}; charset=utf-8" if ctype.startswith("text/") or ctype in COMPRESSIBLE else ctype


def cache_control(path: Path) -> str:
    if FINGERPRINT.search(path.name):
        return "public, max-age=31536000, immutable"
    if path.suffix == ".html":
        return "no-cache"
    return "public, max-age=3600"


class Files:
    """The site's files, read and compressed once per (path, mtime, size)."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._cache: dict[Path, tuple[tuple[int, int], Body]] = {}
        self._lock = threading.Lock()

    def resolve(self, url_path: str) -> tuple[Path | None, bool]:
        """The file for a URL path, and whether the path needs a trailing slash (a folder)."""
        parts = [p for p in unquote(url_path).split("/") if p not in ("", ".")]
        if any(p == ".." or "\\" in p or "\0" in p for p in parts):
            return None, False
        path = self.root.joinpath(*parts)
        if path.is_dir():
            if not url_path.endswith("/"):
                return path, True
            path = path / "index.html"
        try:
            path.resolve().relative_to(self.root)
        except ValueError:
            return None, False
        return (path if path.is_file() else None), False

    def body(self, path: Path) -> Body:
        stat = path.stat()
        key = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            cached = self._cache.get(path)
            if cached and cached[0] == key:
                return cached[1]
        raw = path.read_bytes()
        ctype = content_type(path)
        gz = None
        if ctype.split(";")[0] in COMPRESSIBLE and len(raw) > 256:
            gz = gzip.compress(raw, compresslevel=9, mtime=0)
        body = Body(raw, gz, ctype, '"' + hashlib.sha256(raw).hexdigest()[:20] + '"')
        with self._lock:
            self._cache[path] = (key, body)
        return body


class Handler(http.server.BaseHTTPRequestHandler):
    """GET and HEAD for a static site, with gzip, ETags and cache headers."""

    protocol_version = "HTTP/1.1"
    server_version = "sco-preview"
    sys_version = ""
    files: Files
    quiet = False

    def do_HEAD(self) -> None:  # noqa: N802 (http.server's naming)
        self.answer(head=True)

    def do_GET(self) -> None:  # noqa: N802
        self.answer(head=False)

    def answer(self, head: bool) -> None:
        url = urlsplit(self.path)
        path, needs_slash = self.files.resolve(url.path)
        if needs_slash:
            self.send_response(301)
            self.send_header("Location", url.path + "/" + (f"?{url.query}" if url.query else ""))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status = 200
        if path is None:
            status, path = 404, self.files.root / "404.html"
            if not path.is_file():
                self.send_error(404)
                return
        body = self.files.body(path)
        if status == 200 and body.etag in [t.strip() for t in self.headers.get("If-None-Match", "").split(",")]:
            self.send_response(304)
            self.send_header("ETag", body.etag)
            self.send_header("Cache-Control", cache_control(path))
            self.end_headers()
            return
        gzip_ok = body.gz is not None and "gzip" in self.headers.get("Accept-Encoding", "").lower()
        data = body.gz if gzip_ok and body.gz is not None else body.raw
        self.send_response(status)
        self.send_header("Content-Type", body.ctype)
        self.send_header("Content-Length", str(len(data)))
        if body.gz is not None:
            self.send_header("Vary", "Accept-Encoding")
        if gzip_ok:
            self.send_header("Content-Encoding", "gzip")
        if status == 200:
            self.send_header("ETag", body.etag)
            self.send_header("Cache-Control", cache_control(path))
        else:
            self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "strict-origin-when-cross-origin")
        self.end_headers()
        if not head:
            try:
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):  # the client went away: nothing to answer
                self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's name)
        if not self.quiet:
            super().log_message(format, *args)


class Server(http.server.ThreadingHTTPServer):
    """http.server's threading server, quiet when a client goes away mid-request (a browser or Lighthouse closing
    a connection it no longer needs), as a static host is: the standard library prints a traceback for each."""

    def handle_error(self, request: object, client_address: object) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):  # reset, aborted, broken pipe
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


def make_server(site: Path, port: int = 0, quiet: bool = False) -> http.server.ThreadingHTTPServer:
    """A server for `site` on 127.0.0.1:port (0: a free port); call serve_forever() to run it."""
    handler = type("SiteHandler", (Handler,), {"files": Files(site), "quiet": quiet})
    server = Server(("127.0.0.1", port), handler)
    server.daemon_threads = True
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m macros.preview", description=__doc__.split("\n\n")[0])
    parser.add_argument("site", nargs="?", default="site", type=Path, help="the built site (default: site)")
    parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (0: any free port)")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        print(f"{args.site}/index.html is missing: run `make build` first", file=sys.stderr)
        return 1
    server = make_server(args.site, args.port)
    print(f"Serving {args.site} on http://127.0.0.1:{server.server_address[1]}/ (gzip, cache headers); Ctrl-C stops",
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
