"""roster, run as a black box against fake-aws set up like a real
organization (#12): the role in the delegated administrator account or a
member account syncs; an account instance, an instance that is not active, an
unusable KMS key, roster's own bad keys and a skewed clock each get their own
diagnosis, never `wrong-account` or `assume-role-denied`."""

import json

from fake_aws_fixtures import EXTERNAL_ID, fake_aws_client, fake_aws_process, fake_aws_trust_policy
from roster_fixtures import aws_env, run_roster

READS = ["identitystore:ListUsers", "identitystore:ListGroups", "identitystore:ListGroupMemberships"]
DISCOVERY = ["sso:ListInstances", "sso:ListRegions", "organizations:DescribeOrganization"]


def role_in(info, key, secret, actions, name="roster"):
    """Creates roster's role through IAM with the admin keys of an account."""
    iam = fake_aws_client(info, "iam", key, secret)
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=fake_aws_trust_policy(
        info["platform"]["principal_arn"]))["Role"]["Arn"]
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}
    iam.put_role_policy(RoleName=name, PolicyName="roster", PolicyDocument=json.dumps(policy))
    return arn


def management_role(info, actions):
    c = info["customer"]
    return role_in(info, c["admin_access_key_id"], c["admin_secret_access_key"], actions)


def sync(info, role, tmp_path, *extra, key=None, secret=None):
    p = info["platform"]
    env = aws_env(info["endpoint"], key or p["access_key_id"], secret or p["secret_access_key"],
                  info["customer"]["home_region"])
    db = f"sqlite://{tmp_path / 'r.db'}"
    return run_roster(["sync", "--role-arn", role, "--external-id", EXTERNAL_ID, "--database-url", db, *extra],
                      env, timeout=300)


def diagnosis_of(proc):
    assert proc.returncode == 2, f"exit {proc.returncode}: {proc.stdout}\n{proc.stderr}"
    line = next(l for l in proc.stderr.splitlines() if l.startswith("error["))
    return line[len("error["):line.index("]")]


def test_a_role_in_the_delegated_administrator_account_syncs_the_organization_directory(tmp_path):
    with fake_aws_process("--delegated-admin", "--users", "120", "--groups", "12", "--memberships", "300") as info:
        da = info["customer"]["delegated_admin"]
        role = role_in(info, da["access_key_id"], da["secret_access_key"], READS + DISCOVERY)
        proc = sync(info, role, tmp_path, "--json")
        assert proc.returncode == 0, proc.stderr
        out = json.loads(proc.stdout)
        assert out["identity_store_id"] == info["customer"]["identity_store_id"]
        assert (out["users"], out["groups"], out["memberships"]) == (120, 12, 300)


def test_a_role_in_a_member_account_syncs_with_the_identity_store_id_typed_in(tmp_path):
    with fake_aws_process("--member-accounts", "1", "--users", "50", "--groups", "5", "--memberships", "80") as info:
        m = info["customer"]["member_accounts"][0]
        role = role_in(info, m["access_key_id"], m["secret_access_key"], READS)
        proc = sync(info, role, tmp_path, "--identity-store-id", info["customer"]["identity_store_id"], "--json")
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["users"] == 50


def test_an_account_instance_is_diagnosed_as_one(tmp_path):
    with fake_aws_process("--member-account") as info:
        m = info["member"]
        role = role_in(info, m["admin_access_key_id"], m["admin_secret_access_key"], READS + DISCOVERY)
        proc = sync(info, role, tmp_path)
        assert diagnosis_of(proc) == "account-instance"
        assert info["customer"]["management_account_id"] in proc.stderr


def test_an_instance_that_is_not_active_is_diagnosed(tmp_path):
    with fake_aws_process("--instance-status", "CREATE_IN_PROGRESS") as info:
        assert diagnosis_of(sync(info, management_role(info, READS + DISCOVERY), tmp_path)) == "instance-not-active"


def test_an_unusable_kms_key_is_not_an_access_problem(tmp_path):
    with fake_aws_process("--kms-key-state", "pending-deletion") as info:
        role = management_role(info, READS + DISCOVERY + ["kms:Decrypt"])
        proc = sync(info, role, tmp_path)
        assert diagnosis_of(proc) == "kms-key-unavailable"
        assert "KMS_INVALID_STATE" in proc.stderr


def test_roster_own_bad_keys_and_clock_are_never_the_customer_trust_policy(tmp_path):
    with fake_aws_process() as info:
        role = management_role(info, READS + DISCOVERY)
        bad = sync(info, role, tmp_path, secret="wrong-secret-wrong-secret-wrong-secret00")
        assert diagnosis_of(bad) == "platform-credentials-invalid"
        unknown = sync(info, role, tmp_path, key="AKIAIOSFODNN7EXAMPLE")
        assert diagnosis_of(unknown) == "platform-credentials-invalid"
    with fake_aws_process("--clock-skew-seconds", "1800") as info:
        # Set the scene without signing: every signed call is skewed.
        proc = sync(info, f"arn:aws:iam::{info['customer']['management_account_id']}:role/roster", tmp_path)
        assert diagnosis_of(proc) == "clock-skew"


def test_a_member_account_denied_by_an_scp_is_told_where_to_put_the_role(tmp_path):
    with fake_aws_process("--member-accounts", "1", "--scp-deny-member-reads") as info:
        m = info["customer"]["member_accounts"][0]
        role = role_in(info, m["access_key_id"], m["secret_access_key"], READS)
        proc = sync(info, role, tmp_path, "--identity-store-id", info["customer"]["identity_store_id"])
        assert diagnosis_of(proc) == "identitystore-access-denied"
        assert "service control policy" in proc.stderr and "delegated administrator" in proc.stderr
