"""The fleet of workers on PostgreSQL: 50 tenants with one source each, three
`roster worker` processes, one of them SIGKILLed mid-sync. Every source ends
with exactly one complete snapshot, no duplicate rows, no source synced
twice at once; all 50 sources read the same Identity Center instance, so the
three workers together never exceed its quota in any second (measured at
fake-aws); prints jobs/minute and the time to recover the killed jobs."""

import json
import os
import signal
import subprocess
import time
import urllib.request
import uuid

from fake_aws_fixtures import fake_aws_admin, fake_aws_process
from roster_fixtures import aws_env, roster_bin, roster_json, run_roster

TENANTS = 50
USERS, GROUPS, MEMBERSHIPS = 400, 60, 1500
# The instance's quota per API, shared by all workers (fake-aws itself allows 2000).
TPS = 200
PG = os.environ.get("ROSTER_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/test")


def psql(db_url, sql):
    out = subprocess.run(["psql", db_url, "-At", "-F", "|", "-c", sql], capture_output=True, text=True, check=True)
    return [line.split("|") for line in out.stdout.splitlines() if line]


def test_fifty_tenants_three_workers_one_killed():
    name = f"roster_fleet_{uuid.uuid4().hex[:12]}"
    psql(PG, f"CREATE DATABASE {name}")
    url = PG.rsplit("/", 1)[0] + "/" + name
    workers = []
    try:
        with fake_aws_process("--users", str(USERS), "--groups", str(GROUPS), "--memberships", str(MEMBERSHIPS),
                              "--tps", "2000", "--latency-ms", "5") as info:
            p = info["platform"]
            env = aws_env(info["endpoint"], p["access_key_id"], p["secret_access_key"], info["customer"]["home_region"])
            iam = fake_aws_admin(info, "iam")
            for i in range(TENANTS):
                tenant = f"t{i:02d}"
                run_roster(["tenant", "create", tenant, "--database-url", url], env, check=0)
                created = roster_json(["source", "create", "--tenant", tenant, "--json", "--database-url", url], env)
                arn = iam.create_role(RoleName=f"roster-{tenant}",
                                      AssumeRolePolicyDocument=json.dumps(created["trust_policy"]))["Role"]["Arn"]
                iam.put_role_policy(RoleName=f"roster-{tenant}", PolicyName="roster",
                                    PolicyDocument=json.dumps(created["inline_policy"]))
                roster_json(["source", "connect", created["id"], "--role-arn", arn, "--tenant", tenant, "--json",
                             "--database-url", url], env)
            assert psql(url, "SELECT COUNT(*) FROM jobs WHERE status = 'queued'") == [[str(TENANTS)]]

            started = time.time()
            for k in range(3):
                workers.append(subprocess.Popen(
                    [roster_bin(), "worker", "--id", f"w{k}", "--concurrency", "4", "--tps", str(TPS),
                     "--lease-seconds", "3", "--database-url", url],
                    env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            victim_jobs = []
            deadline = time.time() + 60
            while time.time() < deadline and not victim_jobs:
                victim_jobs = [r[0] for r in psql(url, "SELECT id FROM jobs WHERE lease_owner = 'w0' AND status = 'running'")]
                time.sleep(0.05)
            assert victim_jobs, "worker w0 never took a job"
            workers[0].send_signal(signal.SIGKILL)
            workers[0].wait()
            killed_at = time.time()

            deadline = time.time() + 240
            while time.time() < deadline:
                done = psql(url, "SELECT COUNT(*) FROM jobs WHERE status IN ('done', 'failed')")[0][0]
                if int(done) == TENANTS:
                    break
                time.sleep(0.25)
            finished = time.time()
            for w in workers[1:]:
                w.send_signal(signal.SIGTERM)
                assert w.wait(timeout=60) == 0
            with urllib.request.urlopen(info["endpoint"] + "/_fake-aws/stats", timeout=10) as r:
                apis = json.load(r)["apis"]

        jobs = psql(url, "SELECT id, status, attempts, lease_owner FROM jobs ORDER BY id")
        assert len(jobs) == TENANTS and all(j[1] == "done" for j in jobs), jobs
        retried = {j[0] for j in jobs if int(j[2]) >= 2}
        assert set(victim_jobs) <= retried, "the killed worker's jobs were retried by others"
        per_source = psql(url, "SELECT source_id, SUM(CASE WHEN status = 'complete' THEN 1 ELSE 0 END), "
                               "SUM(CASE WHEN status = 'running' THEN 1 ELSE 0 END) FROM sync_runs GROUP BY source_id")
        assert len(per_source) == TENANTS
        assert all(r[1] == "1" and r[2] == "0" for r in per_source), per_source
        # The directory names its source by an integer key (source_keys).
        rows = psql(url, "SELECT k.source_id, COUNT(*), COUNT(DISTINCT u.user_id) FROM dir_users u "
                         "JOIN source_keys k ON k.source_key = u.source_key WHERE u.valid_to IS NULL GROUP BY k.source_id")
        assert all(r[1] == r[2] == str(USERS) for r in rows) and len(rows) == TENANTS, rows
        members = psql(url, "SELECT k.source_id, COUNT(*) FROM dir_memberships m "
                            "JOIN source_keys k ON k.source_key = m.source_key WHERE m.valid_to IS NULL GROUP BY k.source_id")
        assert all(r[1] == str(MEMBERSHIPS) for r in members), members
        runs = psql(url, "SELECT source_id, started_at, COALESCE(finished_at, '') FROM sync_runs ORDER BY source_id, id")
        for prev, nxt in zip(runs, runs[1:]):
            if prev[0] == nxt[0]:
                assert nxt[1] >= prev[2], f"source {prev[0]} synced twice at once: {prev} {nxt}"
        assert psql(url, "SELECT COUNT(*) FROM stage_users") == [["0"]]
        for api in ("identitystore:ListUsers", "identitystore:ListGroups", "identitystore:ListGroupMemberships"):
            busiest = apis[api]["max_in_any_second"]
            assert 0 < busiest <= TPS, f"{api}: {busiest} calls within one second from three workers (quota {TPS})"
        minutes = (finished - started) / 60
        print(f"\nfleet: {TENANTS} jobs in {finished - started:.1f}s = {TENANTS / minutes:.0f} jobs/minute; "
              f"killed worker's {len(victim_jobs)} job(s) recovered within {finished - killed_at:.1f}s of the kill; "
              f"busiest second per API: " + ", ".join(f"{a.split(':')[1]} {apis[a]['max_in_any_second']}" for a in sorted(apis)
                                                     if a.startswith("identitystore:")) + f" (quota {TPS})")
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
        psql(PG, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
