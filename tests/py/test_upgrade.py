"""Upgrades keep everything: databases written by earlier versions of roster
(`tests/fixtures/upgrade/<commit>/`, made by `make_fixture.py`) are opened by
this binary, on SQLite and on PostgreSQL, and must still show every snapshot,
diff, check, signing key, console identity, API token and audit entry. Old
bundles still verify, and re-exporting an old snapshot is byte-identical."""

import json
import os
import pathlib
import re
import shutil
import subprocess
import uuid

import pytest
import requests

from roster_fixtures import free_port, roster_bin

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "upgrade"
PG_ADMIN = os.environ.get("ROSTER_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/test")
FIXTURE_DIRS = sorted(p for p in FIXTURES.iterdir() if (p / "expected.json").exists())


def env():
    e = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    e["ROSTER_LOG"] = "warn"
    return e


def run(args, check=0):
    proc = subprocess.run([roster_bin(), *args], env=env(), capture_output=True, text=True, timeout=300)
    assert proc.returncode == check, f"roster {' '.join(args)}: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def contains(old, new):
    """`new` keeps everything `old` had (a later version may add fields)."""
    if isinstance(old, dict):
        return isinstance(new, dict) and all(k in new and contains(v, new[k]) for k, v in old.items())
    if isinstance(old, list):
        return isinstance(new, list) and len(old) == len(new) and all(contains(a, b) for a, b in zip(old, new))
    return old == new


@pytest.fixture(params=[(d, b) for d in FIXTURE_DIRS for b in ("sqlite", "postgres")],
                ids=lambda p: f"{p[0].name}-{p[1]}")
def upgraded(request, tmp_path):
    """The fixture database of one backend, copied, for this binary to open."""
    fixture, backend = request.param
    expected = json.loads((fixture / "expected.json").read_text())[backend]
    if backend == "sqlite":
        path = tmp_path / "roster.sqlite"
        shutil.copy(fixture / "roster.sqlite", path)
        yield fixture, expected, f"sqlite://{path}"
        return
    name = f"roster_upgrade_{uuid.uuid4().hex[:10]}"
    subprocess.run(["psql", PG_ADMIN, "-qc", f"CREATE DATABASE {name}"], check=True)
    base = PG_ADMIN.rsplit("/", 1)[0]
    subprocess.run(["psql", f"{base}/{name}", "-q", "-v", "ON_ERROR_STOP=1", "-f", str(fixture / "postgres.sql")],
                   check=True, capture_output=True)
    try:
        yield fixture, expected, f"{base}/{name}"
    finally:
        subprocess.run(["psql", PG_ADMIN, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False)


def test_every_snapshot_and_its_rows_survive_the_upgrade(upgraded):
    _, expected, db = upgraded
    shown = json.loads(run(["source", "show", expected["source_id"], "--json", "--database-url", db]))
    assert sorted(s["id"] for s in shown["syncs"] if s["status"] == "complete") == expected["syncs"]
    for sync, lists in expected["lists"].items():
        for kind, rows in lists.items():
            now = json.loads(run([kind, "list", "--format", "json", "--sync", sync, "--database-url", db]))
            assert contains(rows, now), f"{kind} of sync {sync} changed in the upgrade"


def test_the_diff_of_old_snapshots_is_unchanged(upgraded):
    _, expected, db = upgraded
    diff = json.loads(run(["diff", "--format", "json", "--database-url", db]))
    assert diff == expected["diff"]


def test_old_bundles_verify_and_re_export_byte_identical(upgraded, tmp_path):
    fixture, expected, db = upgraded
    for sync, name in expected["bundles"].items():
        old = fixture / name
        run(["evidence", "verify", str(old)])
        again = tmp_path / f"again-{sync}.zip"
        run(["evidence", "export", "--out", str(again), "--sync", sync, "--database-url", db])
        assert again.read_bytes() == old.read_bytes(), f"re-exported sync {sync} differs from {name}"


def test_checks_still_run_with_the_stored_settings(upgraded):
    _, expected, db = upgraded
    checks = json.loads(run(["check", "--format", "json", "--database-url", db]))
    assert [c["id"] for c in checks["checks"]] == [c["id"] for c in expected["checks"]["checks"]]


def test_console_identities_tokens_and_audit_survive(upgraded, tmp_path):
    _, expected, db = upgraded
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([roster_bin(), "serve", "--listen", f"127.0.0.1:{port}", "--database-url", db],
                            stdout=subprocess.PIPE, stderr=open(tmp_path / "serve.log", "w"), text=True, env=env())
    try:
        for _ in range(100):
            line = proc.stdout.readline()
            if "listening" in line.lower() or "http://" in line:
                break
        api = requests.Session()
        api.headers["Authorization"] = f"Bearer {expected['api_token']}"
        me = api.get(f"{base}/api/v1/me", timeout=10)
        assert me.status_code == 200, me.text
        audit = api.get(f"{base}/api/v1/audit", params={"limit": 200}, timeout=10).json()["items"]
        actions = sorted(e["action"] for e in audit)
        for action in expected["audit_actions"]:
            assert action in actions, f"audit entry {action} lost: {actions}"
        s = requests.Session()
        form = s.get(f"{base}/signin", timeout=10).text
        csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
        r = s.post(f"{base}/signin", timeout=30,
                   data={"csrf": csrf, "email": expected["admin_email"], "password": expected["admin_password"]})
        assert r.status_code == 200 and "/sources" in r.url, r.text[:500]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
