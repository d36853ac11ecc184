"""SCIM keeps provisioning while roster reads: groups deleted after
`ListGroups` listed them and before their memberships were read do not fail
the sync; the sync's report names them."""

import json
import sqlite3
import subprocess
import time
import urllib.request

from fake_aws_fixtures import EXTERNAL_ID, fake_aws_admin, fake_aws_create_role, fake_aws_process
from roster_fixtures import aws_env, roster_bin

ACTIONS = ["identitystore:ListUsers", "identitystore:ListGroups", "identitystore:ListGroupMemberships",
           "sso:ListInstances", "sso:ListRegions"]


def calls(info, api):
    with urllib.request.urlopen(info["endpoint"] + "/_fake-aws/stats", timeout=5) as r:
        return json.load(r)["apis"].get(api, {}).get("calls", 0)


def test_groups_deleted_mid_sync_are_skipped_and_reported(tmp_path):
    with fake_aws_process("--users", "200", "--groups", "80", "--memberships", "1200", "--latency-ms", "20") as info:
        role = fake_aws_create_role(info, "roster", ACTIONS)
        admin = fake_aws_admin(info, "identitystore")
        store = info["customer"]["identity_store_id"]
        groups = [g["GroupId"] for g in admin.list_groups(IdentityStoreId=store, MaxResults=100)["Groups"]]
        db_file = tmp_path / "r.db"
        p = info["platform"]
        env = aws_env(info["endpoint"], p["access_key_id"], p["secret_access_key"], info["customer"]["home_region"])
        sync = subprocess.Popen(
            [roster_bin(), "sync", "--role-arn", role, "--external-id", EXTERNAL_ID,
             "--database-url", f"sqlite://{db_file}", "--json"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 60
        while calls(info, "identitystore:ListGroupMemberships") == 0 and time.time() < deadline:
            time.sleep(0.02)
        # Groups are read in the order ListGroups returned them: delete from the end.
        for gid in reversed(groups[-30:]):
            if sync.poll() is not None:
                break
            admin.delete_group(IdentityStoreId=store, GroupId=gid)
            time.sleep(0.02)
        out, err = sync.communicate(timeout=300)
        assert sync.returncode == 0, err
        assert json.loads(out)["status"] == "complete"
        con = sqlite3.connect(db_file)
        try:
            (stats,) = con.execute("SELECT stats FROM sync_runs WHERE status = 'complete'").fetchone()
        finally:
            con.close()
        vanished = json.loads(stats).get("vanished", [])
        assert vanished, "some deleted groups were listed before they were read"
        assert all(v["resource_type"] == "GROUP" and v["operation"] == "ListGroupMemberships" for v in vanished)
        assert {v["resource_id"] for v in vanished} <= set(groups[-30:])
