"""Every field the Identity Store returns, end to end against fake-aws: a
user's enterprise extension (employee number, cost center, organization,
division, department, manager) reaches `roster users list --format json`, and
a change of department made through boto3 `update_user` is a user change in
the next sync's `roster diff`. fake-aws returns the extension only when
`ListUsers` asks for it, as AWS does. The bundle of such a snapshot has the
new columns and says so in `collection.json`'s format."""

import csv
import io
import json
import sqlite3
import zipfile

from fake_aws_fixtures import EXTERNAL_ID, fake_aws_admin, fake_aws_create_role, fake_aws_process
from roster_fixtures import aws_env, roster_json, run_roster

READS = ["identitystore:ListUsers", "identitystore:ListGroups", "identitystore:ListGroupMemberships"]
DISCOVERY = ["sso:ListInstances", "sso:ListRegions"]
ENTERPRISE = "aws:identitystore:enterprise"


def platform_env(info):
    p = info["platform"]
    return aws_env(info["endpoint"], p["access_key_id"], p["secret_access_key"], info["customer"]["home_region"])


def sync(info, role, db):
    return roster_json(["sync", "--role-arn", role, "--external-id", EXTERNAL_ID, "--database-url", db, "--json"],
                       platform_env(info))


def listed_users(db, env):
    out = run_roster(["users", "list", "--format", "json", "--database-url", db], env, check=0).stdout.strip()
    if out.startswith("["):
        return json.loads(out)
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_enterprise_fields_are_listed_and_a_department_change_is_a_user_change(tmp_path):
    db = f"sqlite://{tmp_path / 'r.db'}"
    with fake_aws_process("--users", "20", "--groups", "3", "--memberships", "20", "--seed", "7") as info:
        store_id = info["customer"]["identity_store_id"]
        ids = fake_aws_admin(info, "identitystore")
        plain = ids.list_users(IdentityStoreId=store_id, MaxResults=100)["Users"]
        assert all("Extensions" not in u for u in plain), "only returned when asked for"
        asked = ids.list_users(IdentityStoreId=store_id, MaxResults=100, Extensions=[ENTERPRISE])["Users"]
        target = next(u for u in asked if "Extensions" in u)
        manager = next(u for u in asked if u["UserId"] != target["UserId"])
        ids.update_user(IdentityStoreId=store_id, UserId=target["UserId"], Operations=[
            {"AttributePath": f"{ENTERPRISE}.manager", "AttributeValue": {"value": manager["UserId"]}}])
        ent = ids.describe_user(IdentityStoreId=store_id, UserId=target["UserId"],
                                Extensions=[ENTERPRISE])["Extensions"][ENTERPRISE]
        assert ent["manager"] == {"value": manager["UserId"]}

        hired = ids.create_user(IdentityStoreId=store_id, UserName="new.hire", DisplayName="New Hire",
                                Name={"GivenName": "New", "FamilyName": "Hire"},
                                Extensions={ENTERPRISE: {"employeeNumber": "E999999", "department": "Legal"}})["UserId"]

        role = fake_aws_create_role(info, "roster", READS + DISCOVERY)
        env = platform_env(info)
        sync(info, role, db)
        listed = {u["UserId"]: u for u in listed_users(db, env)}
        kept = listed[target["UserId"]]["Extensions"][ENTERPRISE]
        assert kept == ent
        for field in ("employeeNumber", "costCenter", "organization", "division", "department", "manager"):
            assert field in kept, field
        assert listed[target["UserId"]]["UserArn"].endswith(target["UserId"])
        assert listed[hired]["Extensions"] == {ENTERPRISE: {"employeeNumber": "E999999", "department": "Legal"}}

        old_department = ent["department"]
        ids.update_user(IdentityStoreId=store_id, UserId=target["UserId"], Operations=[
            {"AttributePath": f"{ENTERPRISE}.department", "AttributeValue": "Treasury"}])
        sync(info, role, db)

    # Memberships whose AWS fields did not change keep their one version.
    with sqlite3.connect(tmp_path / "r.db") as conn:
        versions, members = conn.execute(
            "SELECT COUNT(*), COUNT(DISTINCT membership_id) FROM dir_memberships").fetchone()
        assert versions == members > 0
        assert conn.execute("SELECT COUNT(*) FROM dir_memberships WHERE doc IS NULL").fetchone() == (0,)

    diff = roster_json(["diff", "--format", "json", "--database-url", db], env)
    assert diff["summary"]["users_changed"] == 1, diff
    change = diff["users"]["changed"][0]
    assert change["user_id"] == target["UserId"]
    assert change["fields"] == [{"field": f"Extensions.{ENTERPRISE}.department",
                                 "before": old_department, "after": "Treasury"}]
    assert diff["memberships"] == {"added": [], "removed": []}

    # The bundle of a snapshot with the new fields says so and carries them.
    out = tmp_path / "b.zip"
    run_roster(["evidence", "export", "--out", str(out), "--database-url", db], env, check=0)
    with zipfile.ZipFile(out) as z:
        assert json.loads(z.read("collection.json"))["format"] == "roster-evidence/2"
        users = {r["UserId"]: r for r in csv.DictReader(io.StringIO(z.read("users.csv").decode()))}
        members = list(csv.DictReader(io.StringIO(z.read("memberships.csv").decode())))
    assert users[target["UserId"]]["Department"] == "Treasury"
    assert users[target["UserId"]]["Manager"] == manager["UserId"]
    assert all(m["MembershipArn"].endswith(m["MembershipId"]) and m["CreatedAt"] for m in members)


def test_a_snapshot_from_before_the_upgrade_diffs_against_a_new_one_without_spurious_changes(tmp_path):
    """A database whose snapshot predates the new fields (directory format 1:
    no extension, no ARNs, no membership fields), synced again by this
    version: nobody is reported changed, and the old snapshot's bundle keeps
    the old columns and format."""
    path = tmp_path / "r.db"
    db = f"sqlite://{path}"
    with fake_aws_process("--users", "20", "--groups", "3", "--memberships", "20", "--seed", "9") as info:
        role = fake_aws_create_role(info, "roster", READS + DISCOVERY)
        env = platform_env(info)
        first = sync(info, role, db)
        users = listed_users(db, env)
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE sync_runs SET directory_format = 1")
            conn.execute("UPDATE dir_memberships SET doc = NULL")
            # As a format-1 roster wrote them: JSON documents (the store
            # rewrites those compact on its next start) without the new fields.
            for user in users:
                old = {k: v for k, v in user.items() if k not in ("Extensions", "UserArn", "Revision")}
                conn.execute("UPDATE dir_users SET doc = ? WHERE user_id = ?", (json.dumps(old), user["UserId"]))
            conn.execute("UPDATE directory_doc_rewrite SET done = 0")
        second = sync(info, role, db)

    diff = roster_json(["diff", "--format", "json", "--database-url", db], env)
    assert (diff["from_sync"], diff["to_sync"]) == (first["sync_id"], second["sync_id"])
    assert all(n == 0 for n in diff["summary"].values()), diff["summary"]

    out = tmp_path / "old.zip"
    run_roster(["evidence", "export", "--sync", str(first["sync_id"]), "--out", str(out), "--database-url", db],
               env, check=0)
    with zipfile.ZipFile(out) as z:
        assert json.loads(z.read("collection.json"))["format"] == "roster-evidence/1"
        header = z.read("users.csv").decode().splitlines()[0]
        assert header == "UserId,UserName,DisplayName,Email,UserStatus,IdpSourced,ExternalIds,CreatedAt,UpdatedAt"
        assert z.read("memberships.csv").decode().splitlines()[0] == \
            "MembershipId,GroupId,GroupDisplayName,UserId,UserName"
