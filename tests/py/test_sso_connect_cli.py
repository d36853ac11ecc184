"""`roster source connect --collect-access`, as a black box against
fake-aws set up like a real organization: an Identity Store connection
made headless gains "also collect access" through the same connection
test as the API's (the SSO steps run, and access is turned on only when
every step passes). A role without the SSO statement fails with the
diagnosis's code and fix and exit code 2, and leaves access off; with the
statement added, the same command turns it on."""

import json

from fake_aws_fixtures import fake_aws_client, fake_aws_process
from roster_fixtures import aws_env, roster_json, run_roster

SCENE = ("--users", "20", "--groups", "3", "--memberships", "20", "--accounts", "3",
         "--permission-sets", "2", "--assignments", "6", "--tps", "1000")
SSO_SID = "RosterReadIdentityCenterAccess"


def platform_env(info):
    p = info["platform"]
    env = aws_env(info["endpoint"], p["access_key_id"], p["secret_access_key"], info["customer"]["home_region"])
    env.pop("ROSTER_PRINCIPAL_ARN", None)
    return env


def show(env, db, source):
    return roster_json(["source", "show", source, "--json", "--database-url", db], env)


def test_connect_collect_access_turns_access_on_only_when_every_sso_step_passes(tmp_path):
    db = f"sqlite://{tmp_path / 'r.db'}"
    with fake_aws_process(*SCENE) as info:
        env = platform_env(info)
        c = info["customer"]
        created = roster_json(["source", "create", "--json", "--database-url", db], env)
        assert created["collects_access"] is False
        source = created["id"]
        iam = fake_aws_client(info, "iam", c["admin_access_key_id"], c["admin_secret_access_key"])
        role = iam.create_role(RoleName="roster",
                               AssumeRolePolicyDocument=json.dumps(created["trust_policy"]))["Role"]["Arn"]
        policy = created["inline_policy"]
        assert SSO_SID not in json.dumps(policy)
        iam.put_role_policy(RoleName="roster", PolicyName="roster", PolicyDocument=json.dumps(policy))
        connect = ["source", "connect", source, "--role-arn", role, "--database-url", db]

        plain = roster_json([*connect, "--json"], env)
        assert plain["status"] == "connected" and plain["collects_access"] is False, plain

        # Without the SSO statement: the diagnosis, its fix, exit 2; access stays off.
        denied = run_roster([*connect, "--collect-access"], env, check=2)
        assert "error[sso-access-denied]" in denied.stderr, denied.stderr
        assert "sso:ListPermissionSets" in denied.stderr
        fix = next(line for line in denied.stderr.splitlines() if line.startswith("fix:"))
        assert SSO_SID in denied.stderr, fix
        steps = [line.split()[0] for line in denied.stderr.splitlines() if "sso:ListPermissionSets on the instance" in line]
        assert steps == ["failed"], denied.stderr
        assert "Connection Configured" not in denied.stdout
        assert "Access collection stays off" in denied.stderr
        as_json = run_roster([*connect, "--collect-access", "--json"], env, check=2)
        body = json.loads(as_json.stdout)
        assert body["status"] == "failed" and body["error"]["code"] == "sso-access-denied", body
        assert body["error"]["fix"], body
        shown = show(env, db, source)
        assert shown["collects_access"] is False, "a failed step does not turn access on"
        assert shown["status"] == "connected", "the directory connection still works"

        # With the SSO statement (the one `source create --kind aws-sso` prints) added.
        sso = roster_json(["source", "create", "--kind", "aws-sso", "--json", "--database-url", db], env)
        statement = next(s for s in sso["inline_policy"]["Statement"] if s.get("Sid") == SSO_SID)
        policy["Statement"].append(statement)
        iam.put_role_policy(RoleName="roster", PolicyName="roster", PolicyDocument=json.dumps(policy))
        ok = run_roster([*connect, "--collect-access"], env, check=0)
        assert "Collects access: yes" in ok.stdout, ok.stdout
        for title in ("sso:ListPermissionSets on the instance", "organizations:ListAccounts",
                      "One sso:ListAccountAssignments probe"):
            line = next(line for line in ok.stderr.splitlines() if title in line)
            assert line.startswith("passed"), ok.stderr
        assert show(env, db, source)["collects_access"] is True
        again = roster_json([*connect, "--collect-access", "--json"], env)
        assert again["status"] == "connected" and again["collects_access"] is True, again
