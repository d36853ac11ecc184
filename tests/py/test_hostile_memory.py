"""Hostile input must cost bounded memory (#13 items 1, 2, 4), measured
from the outside as the server's peak RSS (VmHWM): a zip bomb posted for
verification, a flood of requests with long junk HTTP methods, and an
auditor's 200 MB multipart post with a wrong CSRF token."""

import threading
import zipfile

import pytest

from hostile_fixtures import console, raw_request

MB = 1024 * 1024


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory):
    """~0.6 MB on the wire, one 600 MB entry of zeros."""
    path = tmp_path_factory.mktemp("bomb") / "bundle.zip"
    zero = bytes(MB)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("manifest.json", "w", force_zip64=True) as entry:
            for _ in range(600):
                entry.write(zero)
    assert path.stat().st_size < 2 * MB
    return path


def test_a_zip_bomb_is_rejected_without_inflating_it(tmp_path, zip_bomb):
    with console(tmp_path) as c:
        before = c.reset_peak_kb()
        with open(zip_bomb, "rb") as body:
            r = c.api.post(c.url("/api/v1/evidence/verify"), data=body,
                           headers={"Content-Type": "application/zip"}, timeout=120)
        grew = (c.peak_rss_kb() - before) / 1024
        print(f"zip bomb: HTTP {r.status_code}, peak RSS {c.peak_rss_kb() / 1024:.0f} MB (+{grew:.0f} MB)")
        rejected = r.status_code in (400, 413, 422) or (r.status_code == 200 and r.json().get("valid") is False)
        assert rejected, r.text[:500]
        assert grew < 150, f"peak RSS grew by {grew:.0f} MB verifying a 0.6 MB zip"
        assert c.api.get(c.url("/healthz")).status_code == 200


def send_junk_methods(port, count, method_len):
    method = b"J" * method_len
    statuses = []
    for i in range(count):
        head = method + f"{i} /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
        try:
            status, _ = raw_request(port, head, timeout=10)
        except Exception:  # noqa: BLE001 - a refused request is fine, the server must stay up
            status = 0
        statuses.append(status)
    return statuses


def test_junk_methods_do_not_grow_metrics_or_memory(tmp_path):
    with console(tmp_path) as c:
        port = int(c.base.rsplit(":", 1)[1])
        before = c.reset_peak_kb()
        results = []
        threads = [threading.Thread(target=lambda: results.extend(send_junk_methods(port, 250, 16 * 1024)))
                   for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(results) == 2000
        metrics = c.session.get(c.url("/metrics"))
        assert metrics.status_code == 200, metrics.text[:300]
        grew = (c.peak_rss_kb() - before) / 1024
        print(f"junk methods: /metrics {len(metrics.content) / 1024:.0f} KiB, peak RSS +{grew:.0f} MB")
        assert len(metrics.content) < 512 * 1024, f"/metrics is {len(metrics.content)} bytes"
        assert "JJJJ" not in metrics.text
        assert grew < 64, f"peak RSS grew by {grew:.0f} MB"
        assert c.api.get(c.url("/healthz")).status_code == 200


def multipart_chunks(boundary, total):
    yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nwrong-token\r\n"
           f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.csv\"\r\n"
           "Content-Type: text/csv\r\n\r\n").encode()
    yield from (b"email\n" + b"a" * (MB - 6) for _ in range(total // MB))
    yield f"\r\n--{boundary}--\r\n".encode()


def test_an_auditors_huge_multipart_post_is_refused_before_it_is_read(tmp_path):
    with console(tmp_path) as c:
        source = c.new_source()
        auditor = c.new_member("auditor@example.com")
        cookie = "; ".join(f"{k}={v}" for k, v in auditor.cookies.items())
        port = int(c.base.rsplit(":", 1)[1])
        boundary = "hostileboundary7d2f"
        head = (f"POST /sources/{source}/checks/hr-roster HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Cookie: {cookie}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n"
                "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").encode()

        def body():
            for part in multipart_chunks(boundary, 200 * MB):
                yield f"{len(part):x}\r\n".encode() + part + b"\r\n"
            yield b"0\r\n\r\n"

        before = c.reset_peak_kb()
        status, _ = raw_request(port, head, body(), timeout=120)
        grew = (c.peak_rss_kb() - before) / 1024
        print(f"auditor multipart 200 MB, wrong token: HTTP {status}, peak RSS +{grew:.0f} MB")
        assert status == 403
        assert grew < 48, f"peak RSS grew by {grew:.0f} MB before refusing"
