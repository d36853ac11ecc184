"""A read flood (#13's reliability figure): 200 concurrent connections
reading a synced directory through the API and the console, on SQLite and
on PostgreSQL, answer with zero 5xx; prints throughput and latency."""

import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from hostile_fixtures import postgres_database, synced_console, wait_for_sync

CONNECTIONS = 200
REQUESTS_EACH = 4


def flood(c, source):
    token = c.api.headers["Authorization"]
    cookies = dict(c.session.cookies)
    paths = [f"/api/v1/sources/{source}/users?limit=50", f"/api/v1/sources/{source}/groups",
             "/api/v1/sources", f"/users?source={source}"]

    def reader(i):
        s = requests.Session()
        if i % 2:
            s.headers["Authorization"] = token
        else:
            s.cookies.update(cookies)
        out = []
        for k in range(REQUESTS_EACH):
            started = time.monotonic()
            try:
                status = s.get(c.url(paths[(i + k) % len(paths)]), timeout=120).status_code
            except requests.RequestException:
                status = 0
            out.append((status, time.monotonic() - started))
        return out

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=CONNECTIONS) as pool:
        results = [r for rs in pool.map(reader, range(CONNECTIONS)) for r in rs]
    return results, time.monotonic() - started


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_two_hundred_connections_read_without_a_server_error(tmp_path, backend):
    with postgres_database() as pg_url:
        url = pg_url if backend == "postgres" else None
        with synced_console(tmp_path, database_url=url) as (c, source, _):
            assert c.api.post(c.url(f"/api/v1/sources/{source}/sync")).status_code == 202
            assert wait_for_sync(c, source)["status"] == "complete"
            results, took = flood(c, source)
            statuses = [s for s, _ in results]
            latencies = sorted(t for _, t in results)
            p50 = statistics.median(latencies)
            p99 = latencies[int(len(latencies) * 0.99) - 1]
            print(f"read flood on {backend}: {len(results)} requests over {CONNECTIONS} connections in "
                  f"{took:.1f}s ({len(results) / took:.0f}/s), p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
                  f"peak RSS {c.peak_rss_kb() / 1024:.0f} MB")
            server_errors = [s for s in statuses if s >= 500 or s == 0]
            assert not server_errors, f"{len(server_errors)} failed: {sorted(set(statuses))}"
            assert set(statuses) == {200}, sorted(set(statuses))
