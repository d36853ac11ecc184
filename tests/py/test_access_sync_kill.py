"""roster sync --scope access (the SSO source) as a black box against
fake-aws: a SIGKILL while an access run is being written leaves the previous
access snapshot current and nothing half-written visible, and the next access
sync succeeds with no duplicates."""

import signal
import sqlite3
import subprocess
import time

from fake_aws_fixtures import EXTERNAL_ID, fake_aws_create_role, fake_aws_process
from roster_fixtures import aws_env, roster_bin, roster_json

READS = ["identitystore:ListUsers", "identitystore:ListGroups", "identitystore:ListGroupMemberships"]
DISCOVERY = ["sso:ListInstances", "sso:ListRegions", "organizations:DescribeOrganization"]
SSO_READS = [
    "sso:ListPermissionSets", "sso:DescribePermissionSet", "sso:ListManagedPoliciesInPermissionSet",
    "sso:ListCustomerManagedPolicyReferencesInPermissionSet", "sso:GetInlinePolicyForPermissionSet",
    "sso:GetPermissionsBoundaryForPermissionSet", "sso:ListAccountsForProvisionedPermissionSet",
    "sso:ListAccountAssignments", "sso:ListApplications", "sso:ListApplicationAssignments",
    "organizations:ListAccounts",
]
STAGING = ["sso_stage_accounts", "sso_stage_permission_sets", "sso_stage_account_assignments",
           "sso_stage_applications", "sso_stage_application_assignments", "sso_stage_access"]


def platform_env(info):
    p = info["platform"]
    return aws_env(info["endpoint"], p["access_key_id"], p["secret_access_key"], info["customer"]["home_region"])


def access_state(db_file):
    con = sqlite3.connect(db_file)
    try:
        q = lambda sql: con.execute(sql).fetchall()
        return {
            "runs": q("SELECT status, error_code FROM sync_runs WHERE scope = 'access' ORDER BY id"),
            "current": q("SELECT COUNT(*), COUNT(DISTINCT k) FROM sso_access WHERE valid_to IS NULL")[0],
            # What readers see: the rows of the newest complete access run.
            "visible": q("SELECT COUNT(*), COUNT(DISTINCT k) FROM sso_access, "
                         "(SELECT MAX(id) AS s FROM sync_runs WHERE status = 'complete' AND scope = 'access') latest "
                         "WHERE valid_from <= latest.s AND (valid_to IS NULL OR valid_to > latest.s)")[0],
            "staged": sum(q(f"SELECT COUNT(*) FROM {t}")[0][0] for t in STAGING),
        }
    finally:
        con.close()


def test_sigkill_mid_access_sync_keeps_the_previous_snapshot_and_the_next_succeeds(tmp_path):
    org = ["--users", "3000", "--groups", "60", "--memberships", "20000",
           "--accounts", "30", "--permission-sets", "12", "--assignments", "900", "--tps", "100"]
    with fake_aws_process(*org) as info:
        role = fake_aws_create_role(info, "roster", READS + DISCOVERY + SSO_READS)
        db_file = tmp_path / "r.db"
        db = f"sqlite://{db_file}"
        base = ["sync", "--role-arn", role, "--external-id", EXTERNAL_ID, "--database-url", db, "--tps", "100"]
        first = roster_json(base + ["--scope", "all", "--json"], platform_env(info))
        rows = first["access"]["access_rows"]
        assert rows > 10_000 and first["access"]["account_assignments"] == 900
        assert access_state(db_file)["visible"] == (rows, rows)

        victim = subprocess.Popen([roster_bin(), *base, "--scope", "access"], env=platform_env(info),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 120
        while time.time() < deadline:  # wait until the access run is writing, then kill
            time.sleep(0.05)
            try:
                if access_state(db_file)["staged"] > 0:
                    break
            except sqlite3.OperationalError:
                pass
        assert victim.poll() is None, "the access sync finished before it could be killed; make the organization larger"
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        killed = access_state(db_file)
        assert killed["runs"] == [("complete", None), ("running", None)]
        assert killed["staged"] > 0
        # Nothing of the killed run is visible: the previous access snapshot is.
        assert killed["visible"] == (rows, rows)

        again = roster_json(base + ["--scope", "access", "--json"], platform_env(info))
        assert again["access"]["access_rows"] == rows and again["access"]["account_assignments"] == 900
        after = access_state(db_file)
        assert after["runs"] == [("complete", None), ("failed", "interrupted"), ("complete", None)]
        assert after["current"] == after["visible"] == (rows, rows), "no duplicates"
        assert after["staged"] == 0
