"""The customer's own provisioning is not starved by a sync (the quota is
shared with the customer, issue #12): against fake-aws counting the Identity Store quota `collective`
(20 requests/s for all its APIs of an instance), a sync at the default budget
(half of it) leaves room for a customer's script calling ListUsers at 5
requests/s, with no retries, for the whole sync: the script is never
throttled and the sync is exact. At `--budget 1.0` the same script is
throttled, so the first half of the test can fail."""

import json
import subprocess
import time

from botocore.exceptions import ClientError

from fake_aws_fixtures import EXTERNAL_ID, fake_aws_admin, fake_aws_create_role, fake_aws_process
from roster_fixtures import aws_env, roster_bin

READS = ["identitystore:ListUsers", "identitystore:ListGroups", "identitystore:ListGroupMemberships"]
DISCOVERY = ["sso:ListInstances", "sso:ListRegions"]

# About 30 + 2 + 130 list calls: some 16 s at 20 x 0.5 requests/s, 8 s at 20.
USERS, GROUPS, MEMBERSHIPS = 3_000, 120, 4_000
CUSTOMER_RATE = 5.0


def sync_with_customer_alongside(tmp_path, *extra):
    """Runs `roster sync` while the customer's admin calls ListUsers at
    CUSTOMER_RATE; returns (sync JSON, customer calls, customer throttles, sync seconds)."""
    directory = ("--users", str(USERS), "--groups", str(GROUPS), "--memberships", str(MEMBERSHIPS))
    with fake_aws_process(*directory, "--quota-model", "collective") as info:
        role = fake_aws_create_role(info, "roster", READS + DISCOVERY)
        customer = fake_aws_admin(info, "identitystore")  # NO_RETRIES: a throttle is seen, not hidden
        store = info["customer"]["identity_store_id"]
        p = info["platform"]
        env = aws_env(info["endpoint"], p["access_key_id"], p["secret_access_key"], info["customer"]["home_region"])
        db = f"sqlite://{tmp_path / 'r.db'}"
        cmd = [roster_bin(), "sync", "--role-arn", role, "--external-id", EXTERNAL_ID,
               "--database-url", db, "--json", *extra]
        started = time.monotonic()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        calls = throttled = 0
        try:
            # On a fixed schedule (not sleep-after-call), so the script never bursts.
            while proc.poll() is None:
                try:
                    customer.list_users(IdentityStoreId=store, MaxResults=100)
                except ClientError as e:
                    assert e.response["Error"]["Code"] == "ThrottlingException", e.response
                    throttled += 1
                calls += 1
                pause = started + calls / CUSTOMER_RATE - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
                assert time.monotonic() - started < 120, "the sync did not finish within 120 s"
            out, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        elapsed = time.monotonic() - started
        assert proc.returncode == 0, f"exit {proc.returncode}\nstderr: {err}"
        return json.loads(out), calls, throttled, elapsed


def test_a_default_budget_sync_leaves_the_customer_unthrottled(tmp_path):
    out, calls, throttled, elapsed = sync_with_customer_alongside(tmp_path)
    assert elapsed >= 12, f"the sync lasted {elapsed:.1f} s: too short to prove coexistence"
    assert calls >= CUSTOMER_RATE * 10, f"the customer called only {calls} times"
    assert throttled == 0, f"the customer was throttled {throttled} times in {calls} calls"
    assert (out["users"], out["groups"], out["memberships"]) == (USERS, GROUPS, MEMBERSHIPS)


def test_a_sync_using_the_whole_quota_throttles_the_customer(tmp_path):
    out, calls, throttled, _ = sync_with_customer_alongside(tmp_path, "--budget", "1.0")
    assert throttled >= 1, f"the customer was never throttled in {calls} calls at budget 1.0"
    assert (out["users"], out["groups"], out["memberships"]) == (USERS, GROUPS, MEMBERSHIPS)
