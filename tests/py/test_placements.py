"""Where the role lives, as a black box against fake-aws set
up like a real organization: `roster source connect` finds and keeps the
placement (delegated administrator account, member account with the
Identity Store ID and Region typed in, management account with a
least-privilege note), `source show` keeps it, and each source syncs."""

import json

from fake_aws_fixtures import fake_aws_client, fake_aws_process
from roster_fixtures import aws_env, roster_json, run_roster

DIRECTORY = ("--users", "40", "--groups", "4", "--memberships", "60")


def platform_env(info):
    p = info["platform"]
    env = aws_env(info["endpoint"], p["access_key_id"], p["secret_access_key"], info["customer"]["home_region"])
    env.pop("ROSTER_PRINCIPAL_ARN", None)
    return env


def role_in(info, keys, created):
    """roster's role, from the policies `source create` printed, created
    through IAM with an account's admin keys."""
    iam = fake_aws_client(info, "iam", *keys)
    arn = iam.create_role(RoleName="roster", AssumeRolePolicyDocument=json.dumps(created["trust_policy"]))["Role"]["Arn"]
    iam.put_role_policy(RoleName="roster", PolicyName="roster", PolicyDocument=json.dumps(created["inline_policy"]))
    return arn


def connect_and_sync(info, env, db, keys, *hint):
    created = roster_json(["source", "create", "--json", "--database-url", db], env)
    role = role_in(info, keys, created)
    connected = roster_json(["source", "connect", created["id"], "--role-arn", role, *hint, "--json",
                             "--database-url", db], env)
    assert connected["status"] == "connected", connected
    synced = roster_json(["source", "sync", created["id"], "--json", "--database-url", db], env)
    assert (synced["users"], synced["groups"], synced["memberships"]) == (40, 4, 60)
    shown = roster_json(["source", "show", created["id"], "--json", "--database-url", db], env)
    return connected["location"], shown


def test_delegated_administrator_and_member_placements_are_reported_kept_and_sync(tmp_path):
    db = f"sqlite://{tmp_path / 'r.db'}"
    with fake_aws_process("--delegated-admin", "--member-accounts", "1", *DIRECTORY) as info:
        env = platform_env(info)
        c = info["customer"]

        da = c["delegated_admin"]
        location, shown = connect_and_sync(info, env, db, (da["access_key_id"], da["secret_access_key"]))
        assert location["placement"] == "delegated-administrator", location
        assert location["management_account"] == c["management_account_id"]
        assert location["instance_type"] == "organization"
        assert location["instance_status"] == "ACTIVE"
        assert location["instance_arn"] == c["instance_arn"]
        assert shown["location"]["placement"] == "delegated-administrator"

        m = c["member_accounts"][0]
        location, shown = connect_and_sync(info, env, db, (m["access_key_id"], m["secret_access_key"]),
                                           "--identity-store-id", c["identity_store_id"],
                                           "--region", c["home_region"])
        assert location["placement"] == "member", location
        assert location["identity_store_id"] == c["identity_store_id"]
        assert location["account_id"] == m["account_id"]
        assert shown["location"]["placement"] == "member"


def test_connect_says_where_the_role_is_and_that_the_management_account_is_not_least_privilege(tmp_path):
    db = f"sqlite://{tmp_path / 'r.db'}"
    with fake_aws_process(*DIRECTORY) as info:
        env = platform_env(info)
        c = info["customer"]
        created = roster_json(["source", "create", "--json", "--database-url", db], env)
        role = role_in(info, (c["admin_access_key_id"], c["admin_secret_access_key"]), created)
        proc = run_roster(["source", "connect", created["id"], "--role-arn", role, "--database-url", db], env, check=0)
        assert f"Placement: management account {c['management_account_id']}" in proc.stdout, proc.stdout
        note = next(line for line in proc.stdout.splitlines() if line.startswith("note:"))
        assert "most privileged" in note and "member account (least privilege)" in note, note
