"""Evidence of the SSO source as a black box against `roster fake-aws`: after
two `roster sync --scope all` with a change in between, `roster check`
shows the ACC- checks with their controls next to the IDS- checks, and the
exported bundle holds access.csv (exactly the effective-access table
computed from the scene), accounts.csv, permission_sets.json, the ACC-
results and the access diff, each listed and hashed in the signed manifest;
`roster evidence verify` accepts it and names a tampered access.csv. On
SQLite and on PostgreSQL."""

import contextlib
import csv
import io
import json
import os
import subprocess
import uuid
import zipfile

import pytest

from fake_aws_fixtures import fake_aws_process
from roster_fixtures import roster_json, run_roster
from sso_scene import Scene, csv_cell, platform_env

ORG = ("--member-accounts", "3", "--users", "10", "--groups", "2", "--memberships", "10", "--tps", "10000")


PG = os.environ.get("ROSTER_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/test")


@contextlib.contextmanager
def database(backend, tmp):
    """A fresh database of `backend`, dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite://{tmp / 'r.db'}"
        return
    name = f"roster_sso_{uuid.uuid4().hex[:12]}"
    subprocess.run(["psql", PG, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    try:
        yield PG.rsplit("/", 1)[0] + "/" + name
    finally:
        subprocess.run(["psql", PG, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], capture_output=True)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def evidence(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"sso-evidence-{request.param}")
    with database(request.param, tmp) as db, fake_aws_process(*ORG) as info:
        scene = Scene(info)
        p = scene.build()
        role, external_id = scene.role(f"sqlite://{tmp / 'scratch.db'}")
        env = platform_env(info)
        sync = ["sync", "--role-arn", role, "--external-id", external_id, "--scope", "all", "--database-url", db, "--json"]
        roster_json(sync, env)
        before = scene.expected()
        a0, a1 = scene.members[:2]
        scene.assign(a1, "BreakGlass", "USER", p["bob"])
        scene.unassign(a0, "ReadOnly", "GROUP", p["devs"])
        roster_json(sync, env)
        yield {"scene": scene, "p": p, "db": db, "env": env, "tmp": tmp, "before": before, "after": scene.expected()}


def export(ev, name):
    out = ev["tmp"] / name
    printed = run_roster(["evidence", "export", "--out", str(out), "--database-url", ev["db"]], ev["env"], check=0).stdout
    return out, printed.strip().rsplit(" ", 1)[-1]


def test_check_shows_the_access_checks_with_their_controls(evidence):
    report = roster_json(["check", "--format", "json", "--database-url", evidence["db"]], evidence["env"])
    ids = [c["id"] for c in report["checks"]]
    assert ids[:9] == [f"IDS-0{i}" for i in range(1, 10)]
    assert ids[9:] == [f"ACC-0{i}" for i in range(1, 7)]
    acc = {c["id"]: c for c in report["checks"] if c["id"].startswith("ACC-")}
    assert all(c["controls"] for c in acc.values())
    assert "nist-800-53:AC-6" in acc["ACC-01"]["controls"]
    assert acc["ACC-01"]["status"] == "review"
    admin_accounts = {f["id"] for f in acc["ACC-01"]["findings"] if f["kind"] == "account"}
    assert admin_accounts == {r["account_id"] for r in evidence["after"] if r["privileged"] and not r["orphaned"]}
    stale = " ".join(f["detail"] for f in acc["ACC-03"]["findings"])
    assert acc["ACC-03"]["status"] == "fail" and "no longer exists" in stale and "disabled user dan" in stale
    assert acc["ACC-04"]["status"] == "fail", "BreakGlass allows 12-hour sessions"
    assert [f["name"] for f in acc["ACC-04"]["findings"]] == ["BreakGlass"]
    assert acc["ACC-06"]["status"] == "review"
    assert [f["name"] for f in acc["ACC-06"]["findings"]] == ["bob"], "bob gained BreakGlass"
    assert report["summary"]["fail"] == sum(1 for c in report["checks"] if c["status"] == "fail")
    table = run_roster(["check", "--database-url", evidence["db"]], evidence["env"], check=0).stdout
    assert "ACC-01" in table and "ACC-06" in table


def test_the_bundle_holds_the_access_files_and_verifies(evidence):
    out_a, key = export(evidence, "a.zip")
    out_b, _ = export(evidence, "b.zip")
    assert out_a.read_bytes() == out_b.read_bytes(), "the same snapshot exports to identical bytes"
    ok = roster_json(["evidence", "verify", str(out_a), "--public-key", key, "--json"], evidence["env"])
    assert ok["status"] == "ok"
    for name in ("access.csv", "accounts.csv", "permission_sets.json", "access_checks.json",
                 "access_diff.json", "access_diff.csv"):
        assert name in ok["files"], name
    with zipfile.ZipFile(out_a) as z:
        files = {n: z.read(n) for n in z.namelist()}
        assert z.namelist()[-1] == "manifest.json"
    manifest = json.loads(files["manifest.json"])
    assert {f["path"] for f in manifest["files"]} == set(files) - {"manifest.json"}

    rows = list(csv.reader(io.StringIO(files["access.csv"].decode())))
    header = rows[0]
    assert rows[1:] == [[csv_cell(r[k]) for k in header] for r in evidence["after"]]

    scene = evidence["scene"]
    accounts = list(csv.DictReader(io.StringIO(files["accounts.csv"].decode())))
    assert {a["account_id"]: a["name"] for a in accounts} == scene.accounts
    sets = json.loads(files["permission_sets.json"])
    assert sorted(s["Name"] for s in sets) == sorted(s["name"] for s in scene.sets.values())
    dev = next(s for s in sets if s["Name"] == "Developer")
    assert dev["PermissionsBoundary"] == {"CustomerManagedPolicyReference": {"Name": "dev-boundary", "Path": "/"}}
    assert dev["CustomerManagedPolicyReferences"] == [{"Name": "dev-base", "Path": "/team/"}]
    assert {s["Name"] for s in sets if s["Privileged"]} == {
        s["name"] for s in scene.sets.values() if s["privileged"]}

    key_of = lambda r: (r["user_id"] or "", r["account_id"], r["permission_set_arn"], r["via_group_id"] or "")
    before = {key_of(r): r for r in evidence["before"]}
    after = {key_of(r): r for r in evidence["after"]}
    diff = list(csv.DictReader(io.StringIO(files["access_diff.csv"].decode())))
    got = {(d["change"], (d["user_id"], d["account_id"], d["permission_set_arn"], d["via_group_id"])) for d in diff}
    want = {("gained", k) for k in after.keys() - before.keys()} | {("lost", k) for k in before.keys() - after.keys()}
    assert got == want and len(want) == 4

    collection = json.loads(files["collection.json"])
    assert collection["access"]["counts"]["access_rows"] == len(evidence["after"])
    assert collection["access"]["api_calls"]["ListAccountAssignments"] > 0, collection["access"]
    html = files["report.html"].decode()
    assert "Privileged access per account" in html and "<svg" in html


def test_a_tampered_access_csv_fails_verification(evidence):
    out, _ = export(evidence, "t.zip")
    with zipfile.ZipFile(out) as z:
        files = {n: z.read(n) for n in z.namelist()}
    files["access.csv"] = files["access.csv"].replace(b"false", b"fals3", 1)
    tampered = evidence["tmp"] / "tampered.zip"
    with zipfile.ZipFile(tampered, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    proc = run_roster(["evidence", "verify", str(tampered)], evidence["env"])
    assert proc.returncode == 3 and "FAIL: access.csv: SHA-256" in proc.stderr, proc.stderr


def test_access_check_settings_are_saved_for_the_source(evidence):
    db, env = evidence["db"], evidence["env"]
    report = roster_json(["check", "--format", "json", "--max-session-hours", "12", "--boundary-required", "true",
                          "--access-privileged-pattern", "*developer*", "--database-url", db], env)
    acc = {c["id"]: c for c in report["checks"] if c["id"].startswith("ACC-")}
    assert acc["ACC-04"]["status"] == "pass", "12-hour sessions are now allowed"
    no_boundary = sorted(f["name"] for f in acc["ACC-05"]["findings"])
    assert acc["ACC-05"]["status"] == "fail"
    assert no_boundary == sorted(n for n in (s["name"] for s in evidence["scene"].sets.values()) if n != "Developer")
    held = " ".join(f["name"] or "" for f in acc["ACC-01"]["findings"] if f["kind"] == "permission_set")
    assert "Developer" in held and "AdministratorAccess" in held, "the pattern adds Developer; policies still count"
    again = roster_json(["check", "--format", "json", "--database-url", db], env)
    assert {c["id"]: c["status"] for c in again["checks"]}["ACC-05"] == "fail", "the settings were saved"
    proc = run_roster(["check", "--max-session-hours", "13", "--database-url", db], env)
    assert proc.returncode == 1 and "13" in proc.stderr
