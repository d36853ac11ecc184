"""roster sync, run as a black box against roster's fake-aws: every
diagnosis fake-aws can produce, faults survived, and a SIGKILL mid-sync that
leaves exactly one complete snapshot and no duplicates behind."""

import json
import signal
import sqlite3
import subprocess
import time

from fake_aws_fixtures import EXTERNAL_ID, fake_aws_create_role, fake_aws_process
from roster_fixtures import aws_env, roster_bin, roster_json, run_roster

READS = ["identitystore:ListUsers", "identitystore:ListGroups", "identitystore:ListGroupMemberships"]
DISCOVERY = ["sso:ListInstances", "sso:ListRegions"]


def platform_env(info):
    p = info["platform"]
    return aws_env(info["endpoint"], p["access_key_id"], p["secret_access_key"], info["customer"]["home_region"])


def sync(info, role, db, *extra, external_id=EXTERNAL_ID):
    return run_roster(["sync", "--role-arn", role, "--external-id", external_id, "--database-url", db, *extra],
                      platform_env(info), timeout=300)


def diagnosis_of(proc):
    assert proc.returncode == 2, f"exit {proc.returncode}: {proc.stderr}"
    line = next(l for l in proc.stderr.splitlines() if l.startswith("error["))
    return line[len("error["):line.index("]")]


def test_discovery_finds_the_store_and_counts_match(tmp_path):
    with fake_aws_process("--users", "450", "--groups", "60", "--memberships", "1500") as info:
        role = fake_aws_create_role(info, "roster", READS + DISCOVERY)
        db = f"sqlite://{tmp_path / 'r.db'}"
        out = roster_json(["sync", "--role-arn", role, "--external-id", EXTERNAL_ID, "--database-url", db, "--json"],
                          platform_env(info))
        assert out["identity_store_id"] == info["customer"]["identity_store_id"]
        assert out["region"] == info["customer"]["home_region"]
        assert (out["users"], out["groups"]) == (450, 60)
        assert out["memberships"] == 1500


def test_each_customer_mistake_gets_its_diagnosis(tmp_path):
    db = f"sqlite://{tmp_path / 'r.db'}"
    store_id = None
    with fake_aws_process("--kms-key") as kms:
        role = fake_aws_create_role(kms, "roster", READS + DISCOVERY)
        assert diagnosis_of(sync(kms, role, db)) == "kms-access-denied"
    with fake_aws_process() as info:
        store_id = info["customer"]["identity_store_id"]
        good = fake_aws_create_role(info, "roster", READS + DISCOVERY)
        assert diagnosis_of(sync(info, good, db, external_id="not-the-generated-external-id")) == "assume-role-denied"
        missing = info["customer"]["management_account_id"]
        assert diagnosis_of(sync(info, f"arn:aws:iam::{missing}:role/does-not-exist", db)) == "assume-role-denied"

        sso_only = fake_aws_create_role(info, "roster-sso", DISCOVERY)
        proc = sync(info, sso_only, db)
        assert diagnosis_of(proc) == "identitystore-access-denied"
        assert "identitystore:List" in proc.stderr

        managed = fake_aws_create_role(info, "roster-managed", None, managed=["arn:aws:iam::aws:policy/AWSSSOReadOnly"])
        assert diagnosis_of(sync(info, managed, db)) == "identitystore-access-denied"

        no_discovery = fake_aws_create_role(info, "roster-nodisc", READS)
        assert diagnosis_of(sync(info, no_discovery, db)) == "discovery-denied"
        ok = sync(info, no_discovery, db, "--identity-store-id", store_id, "--json")
        assert ok.returncode == 0, ok.stderr
        assert diagnosis_of(sync(info, no_discovery, db, "--identity-store-id", "d-0000000000")) == "identity-store-not-found"
    with fake_aws_process("--users", "0", "--groups", "0", "--memberships", "0") as empty:
        role = fake_aws_create_role(empty, "roster", READS + DISCOVERY)
        assert diagnosis_of(sync(empty, role, db)) == "empty-directory"


def test_throttling_and_server_errors_never_fail_a_sync(tmp_path):
    args = ("--users", "600", "--groups", "80", "--memberships", "2000", "--tps", "20",
            "--throttle-rate", "0.2", "--error-rate", "0.05", "--seed", "7")
    with fake_aws_process(*args) as info:
        role = fake_aws_create_role(info, "roster", READS + DISCOVERY)
        db = f"sqlite://{tmp_path / 'r.db'}"
        out = roster_json(["sync", "--role-arn", role, "--external-id", EXTERNAL_ID, "--database-url", db, "--json"],
                          platform_env(info))
        assert (out["users"], out["groups"], out["memberships"]) == (600, 80, 2000)
        assert out["throttled"] > 0 and out["retries"] > 0


def snapshot_state(db_file):
    con = sqlite3.connect(db_file)
    try:
        q = lambda sql: con.execute(sql).fetchall()
        return {
            "runs": q("SELECT status, error_code FROM sync_runs ORDER BY id"),
            "current_users": q("SELECT COUNT(*), COUNT(DISTINCT user_id) FROM dir_users WHERE valid_to IS NULL")[0],
            "current_memberships": q("SELECT COUNT(*), COUNT(DISTINCT membership_id) FROM dir_memberships WHERE valid_to IS NULL")[0],
            # What readers see: the rows of the newest complete sync (none before the first).
            "visible_users": q("SELECT COUNT(*), COUNT(DISTINCT user_id) FROM dir_users, "
                               "(SELECT MAX(id) AS s FROM sync_runs WHERE status = 'complete') latest "
                               "WHERE valid_from <= latest.s AND (valid_to IS NULL OR valid_to > latest.s)")[0],
            "staged": sum(q(f"SELECT COUNT(*) FROM {t}")[0][0] for t in ("stage_users", "stage_groups", "stage_memberships")),
        }
    finally:
        con.close()


def test_sigkill_mid_sync_leaves_one_complete_snapshot(tmp_path):
    with fake_aws_process("--users", "1500", "--groups", "150", "--memberships", "4000", "--latency-ms", "20") as info:
        role = fake_aws_create_role(info, "roster", READS + DISCOVERY)
        db_file = tmp_path / "r.db"
        db = f"sqlite://{db_file}"
        cmd = [roster_bin(), "sync", "--role-arn", role, "--external-id", EXTERNAL_ID, "--database-url", db]
        victim = subprocess.Popen(cmd, env=platform_env(info), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        # Wait until rows are being written, then kill. A source's first sync
        # writes its versions straight, without staging them.
        while time.time() < deadline:
            time.sleep(0.2)
            if db_file.exists():
                try:
                    state = snapshot_state(db_file)
                    if state["current_users"][0] > 0 or state["staged"] > 0:
                        break
                except sqlite3.OperationalError:
                    pass
        assert victim.poll() is None, "the sync finished before it could be killed; make the directory larger"
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        killed = snapshot_state(db_file)
        # The killed run wrote versions as it read, but never published: nobody sees them.
        assert killed["runs"] == [("running", None)] and killed["visible_users"] == (0, 0)
        assert killed["current_users"][0] > 0 and killed["staged"] == 0

        out = roster_json(["sync", "--role-arn", role, "--external-id", EXTERNAL_ID, "--database-url", db, "--json"],
                          platform_env(info))
        assert (out["users"], out["groups"], out["memberships"]) == (1500, 150, 4000)
        after = snapshot_state(db_file)
        assert after["runs"] == [("failed", "interrupted"), ("complete", None)]
        assert after["current_users"] == after["visible_users"] == (1500, 1500)
        assert after["current_memberships"] == (4000, 4000)
        assert after["staged"] == 0
        users = roster_json(["users", "list", "--format", "json", "--database-url", db], platform_env(info))
        assert len(users) == len({u["UserId"] for u in users}) == 1500


def test_a_sync_longer_than_the_session_renews_credentials(tmp_path):
    args = ("--users", "1200", "--groups", "260", "--memberships", "3000", "--session-seconds", "12")
    with fake_aws_process(*args) as info:
        role = fake_aws_create_role(info, "roster", READS + DISCOVERY)
        db = f"sqlite://{tmp_path / 'r.db'}"
        out = roster_json(["sync", "--role-arn", role, "--external-id", EXTERNAL_ID, "--database-url", db, "--json"],
                          platform_env(info))
        assert out["wall_s"] > 12, "the sync must outlast one session for this test to mean anything"
        assert (out["users"], out["groups"], out["memberships"]) == (1200, 260, 3000)
