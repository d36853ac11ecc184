"""Headless source management from the CLI, as a black box against fake-aws: create a
source, create the role from the printed policies, connect, let a worker run
the first sync, sync again, and delete; and the connection test's diagnoses."""

import json
import signal
import socket
import subprocess
import time
import urllib.request

from fake_aws_fixtures import fake_aws_admin, fake_aws_process
from roster_fixtures import aws_env, roster_bin, roster_json, run_roster


def platform_env(info):
    p = info["platform"]
    env = aws_env(info["endpoint"], p["access_key_id"], p["secret_access_key"], info["customer"]["home_region"])
    env.pop("ROSTER_PRINCIPAL_ARN", None)
    return env


def create_role(info, name, trust, inline):
    iam = fake_aws_admin(info, "iam")
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName="roster", PolicyDocument=json.dumps(inline))
    return arn


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.status, r.read().decode()


def test_create_connect_work_sync_delete(tmp_path):
    db = f"sqlite://{tmp_path / 'r.db'}"
    with fake_aws_process("--users", "350", "--groups", "40", "--memberships", "900") as info:
        env = platform_env(info)
        created = roster_json(["source", "create", "--name", "Prod", "--json", "--database-url", db], env)
        assert created["platform_principal"] == info["platform"]["principal_arn"]
        assert len(created["external_id"]) >= 32
        statement = created["trust_policy"]["Statement"][0]
        assert statement["Condition"]["StringEquals"]["sts:ExternalId"] == created["external_id"]
        role = create_role(info, "roster", created["trust_policy"], created["inline_policy"])

        connected = roster_json(["source", "connect", created["id"], "--role-arn", role, "--json", "--database-url", db], env)
        assert connected["status"] == "connected"
        assert connected["location"]["identity_store_id"] == info["customer"]["identity_store_id"]

        ops = f"http://127.0.0.1:{free_port()}"
        worker = subprocess.Popen([roster_bin(), "worker", "--id", "w1", "--database-url", db,
                                   "--metrics-addr", ops.removeprefix("http://")], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.time() + 60
            while time.time() < deadline:
                shown = roster_json(["source", "show", created["id"], "--json", "--database-url", db], env)
                if any(s["status"] == "complete" for s in shown["syncs"]):
                    break
                time.sleep(0.5)
            else:
                raise AssertionError("the worker did not run the first sync")
            # A standalone worker answers for itself: health, readiness, its own metrics.
            assert get(f"{ops}/healthz") == (200, "ok\n")
            assert get(f"{ops}/readyz") == (200, "ready\n")
            deadline = time.time() + 10
            while 'roster_syncs_total{outcome="complete",code=""} 1' not in get(f"{ops}/metrics")[1]:
                assert time.time() < deadline, get(f"{ops}/metrics")[1]
                time.sleep(0.2)
            metrics = get(f"{ops}/metrics")[1]
            assert 'roster_aws_api_calls_total{operation="ListUsers",outcome="ok"} 4' in metrics, metrics
            assert "roster_queue_depth 0" in metrics, metrics
        finally:
            worker.send_signal(signal.SIGTERM)
            _, err = worker.communicate(timeout=60)
        assert worker.returncode == 0, err
        assert shown["status"] == "connected"
        first = next(s for s in shown["syncs"] if s["status"] == "complete")
        assert (first["counts"]["users"], first["counts"]["groups"]) == (350, 40)

        again = roster_json(["source", "sync", created["id"], "--json", "--database-url", db], env)
        assert (again["users"], again["memberships"]) == (350, 900)
        listed = roster_json(["source", "list", "--json", "--database-url", db], env)
        assert [s["id"] for s in listed] == [created["id"]]

        run_roster(["source", "delete", created["id"], "--database-url", db], env, check=0)
        assert roster_json(["source", "list", "--json", "--database-url", db], env) == []


def test_connection_test_diagnoses_and_keeps_the_source_pending(tmp_path):
    db = f"sqlite://{tmp_path / 'r.db'}"
    with fake_aws_process() as info:
        env = platform_env(info)
        created = roster_json(["source", "create", "--json", "--database-url", db], env)
        wrong = json.loads(json.dumps(created["trust_policy"]))
        wrong["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"] = "someone-elses-external-id"
        mismatch = create_role(info, "mismatch", wrong, created["inline_policy"])
        proc = run_roster(["source", "connect", created["id"], "--role-arn", mismatch, "--database-url", db], env)
        assert proc.returncode == 2 and "error[assume-role-denied]" in proc.stderr, proc.stderr

        open_trust = json.loads(json.dumps(created["trust_policy"]))
        del open_trust["Statement"][0]["Condition"]
        insecure = create_role(info, "insecure", open_trust, created["inline_policy"])
        proc = run_roster(["source", "connect", created["id"], "--role-arn", insecure, "--database-url", db], env)
        assert proc.returncode == 2 and "error[trust-policy-missing-external-id]" in proc.stderr, proc.stderr

        shown = roster_json(["source", "show", created["id"], "--json", "--database-url", db], env)
        assert shown["status"] == "pending"


def test_tenants_and_unique_external_ids(tmp_path):
    db = f"sqlite://{tmp_path / 'r.db'}"
    env = aws_env("http://127.0.0.1:9", "x", "x")
    env["ROSTER_PRINCIPAL_ARN"] = "arn:aws:iam::111122223333:role/roster"
    run_roster(["tenant", "create", "acme", "--name", "Acme Corp", "--database-url", db], env, check=0)
    assert [t["id"] for t in roster_json(["tenant", "list", "--json", "--database-url", db], env)] == ["acme", "default"]
    a = roster_json(["source", "create", "--tenant", "acme", "--json", "--database-url", db], env)
    b = roster_json(["source", "create", "--json", "--database-url", db], env)
    assert a["external_id"] != b["external_id"]
    assert a["trust_policy"]["Statement"][0]["Principal"]["AWS"] == "arn:aws:iam::111122223333:role/roster"
    assert [s["id"] for s in roster_json(["source", "list", "--tenant", "acme", "--json", "--database-url", db], env)] == [a["id"]]
    proc = run_roster(["source", "show", a["id"], "--json", "--database-url", db], env)
    assert proc.returncode == 3 and "not found" in proc.stderr, "another tenant's source is not visible"
    bad = run_roster(["tenant", "create", "Not A Slug", "--database-url", db], env)
    assert bad.returncode == 1
    run_roster(["source", "interval", a["id"], "--hours", "6", "--tenant", "acme", "--database-url", db], env, check=0)
    shown = roster_json(["source", "show", a["id"], "--tenant", "acme", "--json", "--database-url", db], env)
    assert shown["sync_interval_s"] == 6 * 3600
    assert run_roster(["source", "interval", a["id"], "--hours", "0", "--tenant", "acme", "--database-url", db], env).returncode == 1
