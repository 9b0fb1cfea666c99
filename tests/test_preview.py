"""`make preview`'s server answers as a static host would: gzip, cache headers, ETags, 404s, folders."""

from __future__ import annotations

import gzip
import http.client
import socket
import threading
from pathlib import Path
from typing import Iterator

import pytest

from macros.preview import cache_control, make_server


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A small site behind the preview server on a free port."""
    root = tmp_path_factory.mktemp("preview")
    (root / "index.html").write_text("<!doctype html><title>Home</title>" + "<p>home</p>" * 100, encoding="utf-8")
    (root / "404.html").write_text("<!doctype html><title>Not found</title><p>nothing here</p>", encoding="utf-8")
    (root / "members").mkdir()
    (root / "members" / "index.html").write_text("<!doctype html><title>Members</title>" + "x" * 400, encoding="utf-8")
    (root / "assets").mkdir()
    (root / "assets" / "bundle.4f1a2b3c.min.js").write_text("console.log(1);" * 50, encoding="utf-8")
    (root / "assets" / "sco.css").write_text("body{color:red}" * 50, encoding="utf-8")
    (root / "assets" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(600))
    (root.parent / "secret.txt").write_text("outside the site", encoding="utf-8")
    server = make_server(root, 0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "127.0.0.1", server.server_address[1]
    server.shutdown()
    server.server_close()


def get(host: tuple[str, int], path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(*host, timeout=10)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def test_text_is_gzipped_when_the_client_accepts_it(host: tuple[str, int]) -> None:
    """HTML, JS and CSS come gzip-compressed to a client that accepts gzip, plain to one that does not."""
    for path in ("/", "/assets/bundle.4f1a2b3c.min.js", "/assets/sco.css"):
        status, headers, body = get(host, path, **{"Accept-Encoding": "gzip, deflate, br"})
        assert status == 200 and headers["content-encoding"] == "gzip" and headers["vary"] == "Accept-Encoding"
        plain_status, plain_headers, plain = get(host, path)
        assert plain_status == 200 and "content-encoding" not in plain_headers
        assert gzip.decompress(body) == plain and len(body) < len(plain)
        assert int(headers["content-length"]) == len(body)
    _, headers, _ = get(host, "/assets/logo.png", **{"Accept-Encoding": "gzip"})
    assert "content-encoding" not in headers and headers["content-type"] == "image/png"


@pytest.mark.parametrize("path,expected", [
    ("/assets/bundle.4f1a2b3c.min.js", "public, max-age=31536000, immutable"),
    ("/", "no-cache"),
    ("/members/", "no-cache"),
    ("/assets/sco.css", "public, max-age=3600"),
])
def test_cache_headers_like_a_static_host(host: tuple[str, int], path: str, expected: str) -> None:
    """Fingerprinted bundles are cached for a year, HTML is revalidated, other files kept an hour."""
    status, headers, _ = get(host, path)
    assert status == 200 and headers["cache-control"] == expected and headers["etag"].startswith('"')


def test_etag_answers_304(host: tuple[str, int]) -> None:
    """A request with the current ETag gets 304 and no body."""
    _, headers, _ = get(host, "/assets/sco.css")
    status, again, body = get(host, "/assets/sco.css", **{"If-None-Match": headers["etag"]})
    assert status == 304 and body == b"" and again["etag"] == headers["etag"]
    assert get(host, "/assets/sco.css", **{"If-None-Match": '"other"'})[0] == 200


def test_folders_missing_pages_and_the_outside(host: tuple[str, int]) -> None:
    """/members redirects to /members/; a missing page gets the site's 404 page with status 404; nothing
    outside the site folder is served."""
    status, headers, _ = get(host, "/members")
    assert status == 301 and headers["location"] == "/members/"
    status, headers, body = get(host, "/no/such/page/")
    assert status == 404 and b"nothing here" in body and headers["cache-control"] == "no-store"
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt"):
        status, _, body = get(host, path)
        assert status == 404 and b"outside the site" not in body, path


def test_head_sends_headers_only(host: tuple[str, int]) -> None:
    """HEAD answers with the GET headers and no body."""
    conn = http.client.HTTPConnection(*host, timeout=10)
    conn.request("HEAD", "/")
    response = conn.getresponse()
    assert response.status == 200 and response.read() == b"" and int(response.getheader("content-length")) > 0
    conn.close()


def test_fingerprint_rule() -> None:
    """Only names carrying a content hash count as fingerprinted."""
    assert cache_control(Path("main.57a0d79d.min.css")).endswith("immutable")
    assert cache_control(Path("sco.js")) == "public, max-age=3600"
    assert cache_control(Path("search_index.json")) == "public, max-age=3600"


@pytest.mark.parametrize("failure, quiet", [
    (ConnectionResetError(104, "Connection reset by peer"), True),
    (BrokenPipeError(32, "Broken pipe"), True),
    (ConnectionAbortedError(103, "Software caused connection abort"), True),
    (ValueError("a bug in the handler"), False),
])
def test_a_client_going_away_prints_no_traceback(failure: Exception, quiet: bool, capsys: pytest.CaptureFixture[str]
                                                 ) -> None:
    """A connection the client dropped is not an error worth a traceback; any other failure still prints one."""
    import socketserver

    class Failing(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            raise failure

    from macros.preview import Server

    server = Server(("127.0.0.1", 0), Failing)  # type: ignore[arg-type]
    try:
        with socket.create_connection(server.server_address, timeout=5):
            server.handle_request()  # the one connection, handled in a thread as serve_forever does
    finally:
        server.server_close()  # waits for that thread
    printed = capsys.readouterr().err
    assert ("Exception occurred during processing of request" in printed) is not quiet, printed
