"""roster sync, run as a black box against moto (an AWS emulator nobody here
wrote): the stored directory must equal what was seeded, page for page."""

import json

import boto3

from roster_fixtures import aws_env, free_port, moto, roster_json, run_roster

ACCOUNT = "123456789012"  # moto's default account
STORE_ID = "d-1234567890"
EXTERNAL_ID = "rosterMotoTestExternalId0123456789abcdef"
READ_ACTIONS = ["identitystore:ListUsers", "identitystore:ListGroups", "identitystore:ListGroupMemberships"]


def client(service, endpoint, key="testing", secret="testing"):
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=key, aws_secret_access_key=secret)


def trust_policy(principal):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}}}]})


def create_role(iam, name, actions, principal=f"arn:aws:iam::{ACCOUNT}:root"):
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust_policy(principal))["Role"]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName="roster", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}))
    return arn


def seed(ids, users=260, groups=32):
    """Users with varied fields, groups, and memberships including one group of 120 (pagination)."""
    user_ids, group_ids, memberships = [], [], set()
    for i in range(users):
        kwargs = dict(IdentityStoreId=STORE_ID, UserName=f"user{i:03d}@example.com",
                      DisplayName=f"User, \"{i}\" Ünïcode", Name={"GivenName": f"Given{i}", "FamilyName": "Family"},
                      Emails=[{"Value": f"user{i:03d}@example.com", "Type": "work", "Primary": True}])
        if i % 7 == 0:
            kwargs["Title"] = "Engineer"
            kwargs["DisplayName"] = f"=cmd|' /C calc'!A{i}"
        user_ids.append(ids.create_user(**kwargs)["UserId"])
    for g in range(groups):
        group_ids.append(ids.create_group(IdentityStoreId=STORE_ID, DisplayName=f"group-{g:02d}",
                                          Description=f"team {g}")["GroupId"])
    big = group_ids[0]
    for u in user_ids[:120]:
        memberships.add((big, u))
    for g, gid in enumerate(group_ids[1:], start=1):
        for k in range(16):
            memberships.add((gid, user_ids[(g * 11 + k * 7) % users]))
    for gid, uid in sorted(memberships):
        ids.create_group_membership(IdentityStoreId=STORE_ID, GroupId=gid, MemberId={"UserId": uid})
    return user_ids, group_ids, memberships


def paginate(ids, op, key, **kwargs):
    items, token = [], None
    while True:
        page = getattr(ids, op)(IdentityStoreId=STORE_ID, MaxResults=100, **({"NextToken": token} if token else {}), **kwargs)
        items.extend(page[key])
        token = page.get("NextToken")
        if not token:
            return items


def test_sync_stores_exactly_the_seeded_directory(tmp_path):
    with moto() as endpoint:
        ids = client("identitystore", endpoint)
        user_ids, group_ids, memberships = seed(ids)
        assert len(memberships) >= 600
        role = create_role(client("iam", endpoint), "roster-reader", READ_ACTIONS + ["sso:ListInstances", "sso:ListRegions"])
        env = aws_env(endpoint, "testing", "testing")
        db = f"sqlite://{tmp_path / 'roster.db'}"

        result = roster_json(["sync", "--role-arn", role, "--external-id", EXTERNAL_ID,
                              "--identity-store-id", STORE_ID, "--database-url", db, "--json"], env)
        assert result["status"] == "complete"
        assert (result["users"], result["groups"], result["memberships"]) == (260, 32, len(memberships))
        assert result["calls"]["ListUsers"] == 3  # 260 users, 100 per page

        stored_users = roster_json(["users", "list", "--format", "json", "--database-url", db], env)
        moto_users = {u["UserId"]: u for u in paginate(ids, "list_users", "Users")}
        assert {u["UserId"] for u in stored_users} == set(user_ids) == set(moto_users)
        for u in stored_users:
            m = moto_users[u["UserId"]]
            for field in ("UserName", "DisplayName", "Name", "Emails", "Title"):
                assert u.get(field) == m.get(field), (field, u, m)
            assert u["IdentityStoreId"] == STORE_ID

        stored_groups = roster_json(["groups", "list", "--format", "json", "--database-url", db], env)
        moto_groups = {g["GroupId"]: g for g in paginate(ids, "list_groups", "Groups")}
        assert {g["GroupId"] for g in stored_groups} == set(group_ids) == set(moto_groups)
        for g in stored_groups:
            assert g["DisplayName"] == moto_groups[g["GroupId"]]["DisplayName"]
            assert g["Description"] == moto_groups[g["GroupId"]]["Description"]

        stored = roster_json(["memberships", "list", "--format", "json", "--database-url", db], env)
        assert {(m["GroupId"], m["UserId"]) for m in stored} == memberships
        assert len(stored) == len(memberships), "no duplicates"
        names = {g["GroupId"]: g["DisplayName"] for g in stored_groups}
        users_by_id = {u["UserId"]: u["UserName"] for u in stored_users}
        for m in stored:
            assert m["DisplayName"] == names[m["GroupId"]]
            assert m["UserName"] == users_by_id[m["UserId"]]

        csv_out = run_roster(["users", "list", "--format", "csv", "--database-url", db], env, check=0).stdout
        assert "'=cmd" in csv_out and "\n=cmd" not in csv_out and ",=cmd" not in csv_out


def test_a_role_with_sso_actions_only_is_diagnosed(tmp_path):
    # moto enforces IAM after this many unauthenticated requests: the setup below.
    with moto({"INITIAL_NO_AUTH_ACTION_COUNT": "6"}) as endpoint:
        iam = client("iam", endpoint)
        iam.create_user(UserName="platform")                                           # 1
        iam.put_user_policy(UserName="platform", PolicyName="admin", PolicyDocument=json.dumps(  # 2
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
        key = iam.create_access_key(UserName="platform")["AccessKey"]                 # 3
        role = create_role(iam, "roster-sso-only", ["sso:ListInstances", "sso:ListRegions", "sso:Describe*"],  # 4, 5
                           principal=f"arn:aws:iam::{ACCOUNT}:user/platform")
        client("identitystore", endpoint).create_user(                                  # 6
            IdentityStoreId=STORE_ID, UserName="alice", DisplayName="Alice", Name={"GivenName": "A", "FamilyName": "B"})
        env = aws_env(endpoint, key["AccessKeyId"], key["SecretAccessKey"])
        proc = run_roster(["sync", "--role-arn", role, "--external-id", EXTERNAL_ID, "--identity-store-id", STORE_ID,
                           "--database-url", f"sqlite://{tmp_path / 'r.db'}"], env)
        assert proc.returncode == 2, proc.stderr
        assert "error[identitystore-access-denied]" in proc.stderr
        assert "identitystore:List" in proc.stderr
        assert "AWSSSOReadOnly" in proc.stderr  # the fix explains sso: vs identitystore:


def test_an_unreachable_endpoint_is_diagnosed(tmp_path):
    env = aws_env(f"http://127.0.0.1:{free_port()}", "testing", "testing")
    proc = run_roster(["sync", "--role-arn", f"arn:aws:iam::{ACCOUNT}:role/roster", "--external-id", EXTERNAL_ID,
                       "--database-url", f"sqlite://{tmp_path / 'r.db'}", "--json"], env, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert json.loads(proc.stdout)["error"]["code"] == "endpoint-unreachable"
    assert "error[endpoint-unreachable]" in proc.stderr


def test_bad_input_fails_clearly_without_a_trace(tmp_path):
    env = aws_env("http://127.0.0.1:9", "testing", "testing")
    db = f"sqlite://{tmp_path / 'r.db'}"
    bad_arn = run_roster(["sync", "--role-arn", "arn:aws:iam::12345:role/x", "--external-id", EXTERNAL_ID, "--database-url", db], env)
    assert bad_arn.returncode == 2 and "error[invalid-role-arn]" in bad_arn.stderr and "12 digits" in bad_arn.stderr
    bad_ext = run_roster(["sync", "--role-arn", f"arn:aws:iam::{ACCOUNT}:role/x", "--external-id", "a b", "--database-url", db], env)
    assert bad_ext.returncode == 1 and "External ID" in bad_ext.stderr
    bad_db = run_roster(["users", "list", "--database-url", "mysql://root:pw@localhost/x"], env)
    assert bad_db.returncode == 1 and "unsupported database URL" in bad_db.stderr and "pw" not in bad_db.stderr
    usage = run_roster(["sync"], env)
    assert usage.returncode == 1
    for proc in (bad_arn, bad_ext, bad_db, usage):
        assert "panicked" not in proc.stderr and "backtrace" not in proc.stderr
