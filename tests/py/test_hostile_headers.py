"""What a browser is told about every console response (#13 item 8): a CSP
that runs only roster's own script and forbids framing, nosniff, no
referrer, and no-store wherever a token, invitation link or External ID may
show; the evidence report keeps its own stricter CSP. And how `roster
serve` is started (item 9): it refuses plain HTTP off loopback unless told
its public https URL (Secure cookies) or `--insecure-http`."""

import re
import subprocess
import time

import pytest
import requests

from hostile_fixtures import base_env, console, read_line_matching, start_serve
from roster_fixtures import free_port, roster_bin


@pytest.fixture(scope="module")
def c(tmp_path_factory):
    with console(tmp_path_factory.mktemp("headers")) as running:
        yield running


def assert_protected(r, where):
    h = r.headers
    csp = h.get("Content-Security-Policy", "")
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, (where, csp)
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";")[0], (where, csp)
    assert h.get("X-Frame-Options") == "DENY", where
    assert h.get("X-Content-Type-Options") == "nosniff", where
    assert h.get("Referrer-Policy") in ("no-referrer", "same-origin"), where


def test_every_console_response_carries_the_security_headers(c):
    source = c.new_source()
    token_page = c.session.post(c.url("/settings/tokens"), data={"name": "shown-once",
                                                                 "csrf": c.session.headers["x-csrf-token"]})
    pages = {
        "signin": requests.get(c.url("/signin")),
        "sources": c.session.get(c.url("/sources")),
        "new token": token_page,
        "team": c.session.get(c.url("/settings/team")),
        "source settings": c.session.get(c.url(f"/sources/{source}")),
        "api setup": c.api.get(c.url(f"/api/v1/sources/{source}/setup")),
        "api tokens": c.api.get(c.url("/api/v1/tokens")),
        "not found": c.session.get(c.url("/no-such-page")),
        "unauthorized": requests.get(c.url("/api/v1/me")),
        "healthz": requests.get(c.url("/healthz")),
    }
    for where, r in pages.items():
        assert_protected(r, where)
    for where in ["sources", "new token", "team", "source settings", "api setup", "api tokens", "signin"]:
        assert "no-store" in pages[where].headers.get("Cache-Control", ""), where
    assert pages["new token"].status_code == 200 and "rst_" in pages["new token"].text


def test_the_page_has_no_inline_script_or_handler(c):
    html = c.session.get(c.url("/settings/tokens")).text
    assert '<script src="/assets/app.js"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", html), "inline event handler"
    js = requests.get(c.url("/assets/app.js"))
    assert js.headers["X-Content-Type-Options"] == "nosniff"
    assert js.headers["Content-Type"].startswith("text/javascript")


def test_serve_refuses_plain_http_off_loopback(tmp_path):
    port = free_port()
    proc = subprocess.run([roster_bin(), "serve", "--listen", f"0.0.0.0:{port}", "--database-url",
                           f"sqlite://{tmp_path / 'r.db'}"], env=base_env(), capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode != 0
    assert "--public-url" in proc.stderr and "--insecure-http" in proc.stderr, proc.stderr


@pytest.mark.parametrize("flags,secure", [(["--public-url", "https://roster.example.com"], True),
                                          (["--insecure-http"], False)])
def test_serve_off_loopback_starts_when_told_how_it_is_reached(tmp_path, flags, secure):
    port = free_port()
    proc = subprocess.Popen([roster_bin(), "serve", "--listen", f"0.0.0.0:{port}", "--database-url",
                             f"sqlite://{tmp_path / 'r.db'}", *flags], env=base_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        setup = read_line_matching(proc.stdout, r"(/setup/\S+)").group(1)
        r = requests.post(f"http://127.0.0.1:{port}{setup}",
                          data={"email": "ops@example.com", "password": "correct-horse-battery-1"},
                          allow_redirects=False)
        assert r.status_code == 303, r.text[:300]
        cookie = r.headers["Set-Cookie"]
        assert ("Secure" in cookie) == secure, cookie
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_serve_on_loopback_still_starts_without_flags(tmp_path):
    proc, port, log = start_serve(tmp_path, f"sqlite://{tmp_path / 'l.db'}")
    try:
        read_line_matching(proc.stdout, r"/setup/\S+")
        deadline = time.time() + 10
        while requests.get(f"http://127.0.0.1:{port}/healthz").status_code != 200 and time.time() < deadline:
            time.sleep(0.1)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
