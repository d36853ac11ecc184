"""fake-aws speaks AWS's wire formats to boto3, a client nobody here wrote."""

import json

import pytest
from botocore.exceptions import ClientError

from fake_aws_fixtures import (  # noqa: F401  (fake_aws_info is a fixture)
    EXTERNAL_ID,
    fake_aws_admin,
    fake_aws_assume,
    fake_aws_client,
    fake_aws_create_role,
    fake_aws_decode_policy,
    fake_aws_info,
    fake_aws_platform,
    fake_aws_process,
    fake_aws_trust_policy,
)

READ_ACTIONS = ["identitystore:ListUsers", "identitystore:ListGroups", "identitystore:ListGroupMemberships"]


def error_code(exc_info):
    return exc_info.value.response["Error"]["Code"]


def test_roles_are_created_through_iam(fake_aws_info):
    info = fake_aws_info
    arn = fake_aws_create_role(info, "roster-reader", READ_ACTIONS)
    account = info["customer"]["management_account_id"]
    assert arn == f"arn:aws:iam::{account}:role/roster-reader"
    role = fake_aws_admin(info, "iam").get_role(RoleName="roster-reader")["Role"]
    assert role["Arn"] == arn
    trust = fake_aws_decode_policy(role["AssumeRolePolicyDocument"])
    assert trust["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"] == EXTERNAL_ID
    with pytest.raises(ClientError) as e:
        fake_aws_admin(info, "iam").create_role(RoleName="roster-reader", AssumeRolePolicyDocument=json.dumps(trust))
    assert error_code(e) == "EntityAlreadyExists"


def test_assume_role_with_right_wrong_and_missing_external_id(fake_aws_info):
    info = fake_aws_info
    arn = fake_aws_create_role(info, "roster-reader", READ_ACTIONS)
    ids = fake_aws_assume(info, arn)
    store = info["customer"]["identity_store_id"]
    assert len(ids.list_users(IdentityStoreId=store, MaxResults=10)["Users"]) == 10
    expected = f"User: {info['platform']['principal_arn']} is not authorized to perform: sts:AssumeRole on resource: {arn}"
    for external_id in ("not-the-external-id", None):
        with pytest.raises(ClientError) as e:
            fake_aws_assume(info, arn, external_id=external_id)
        assert error_code(e) == "AccessDenied"
        assert e.value.response["Error"]["Message"] == expected
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_caller_identity_of_the_assumed_session(fake_aws_info):
    info = fake_aws_info
    arn = fake_aws_create_role(info, "roster-reader", READ_ACTIONS)
    me = fake_aws_assume(info, arn, service="sts").get_caller_identity()
    account = info["customer"]["management_account_id"]
    assert me["Arn"] == f"arn:aws:sts::{account}:assumed-role/roster-reader/roster-py"
    assert me["Account"] == account


def test_each_action_is_authorized_separately(fake_aws_info):
    info = fake_aws_info
    arn = fake_aws_create_role(info, "users-only", ["identitystore:ListUsers"])
    ids = fake_aws_assume(info, arn)
    store = info["customer"]["identity_store_id"]
    ids.list_users(IdentityStoreId=store, MaxResults=1)
    with pytest.raises(ClientError) as e:
        ids.list_groups(IdentityStoreId=store)
    account = info["customer"]["management_account_id"]
    assert error_code(e) == "AccessDeniedException"
    assert e.value.response["Error"]["Message"] == (
        f"User: arn:aws:sts::{account}:assumed-role/users-only/roster-py is not authorized to perform: "
        f"identitystore:ListGroups on resource: arn:aws:identitystore::{account}:identitystore/{store} "
        "because no identity-based policy allows the identitystore:ListGroups action"
    )
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_sso_read_only_role_is_denied_list_users(fake_aws_info):
    info = fake_aws_info
    arn = fake_aws_create_role(info, "sso-read-only", managed=["arn:aws:iam::aws:policy/AWSSSOReadOnly"])
    ids = fake_aws_assume(info, arn)
    with pytest.raises(ClientError) as e:
        ids.list_users(IdentityStoreId=info["customer"]["identity_store_id"])
    assert error_code(e) == "AccessDeniedException"
    assert "identitystore:ListUsers" in e.value.response["Error"]["Message"]
    sso = fake_aws_assume(info, arn, service="sso-admin")
    instances = sso.list_instances()["Instances"]
    assert instances[0]["IdentityStoreId"] == info["customer"]["identity_store_id"]


def test_max_results_above_100_is_rejected(fake_aws_info):
    info = fake_aws_info
    with pytest.raises(ClientError) as e:
        fake_aws_admin(info, "identitystore").list_users(
            IdentityStoreId=info["customer"]["identity_store_id"], MaxResults=101
        )
    assert error_code(e) == "ValidationException"


def test_throttling_above_the_quota():
    with fake_aws_process("--tps", "5") as info:
        ids = fake_aws_admin(info, "identitystore")
        store = info["customer"]["identity_store_id"]
        throttles = []
        for _ in range(15):
            try:
                ids.list_groups(IdentityStoreId=store, MaxResults=1)
            except ClientError as e:
                throttles.append(e.response)
        assert len(throttles) >= 8
        first = throttles[0]
        assert first["Error"]["Code"] == "ThrottlingException"
        assert first.get("RetryAfterSeconds", 0) >= 1 or first["ResponseMetadata"]["HTTPHeaders"]["retry-after"]


def test_request_signed_with_the_wrong_secret_is_rejected(fake_aws_info):
    info = fake_aws_info
    key = info["customer"]["admin_access_key_id"]
    with pytest.raises(ClientError) as e:
        fake_aws_client(info, "sts", key, "wrong-secret").get_caller_identity()
    assert error_code(e) == "SignatureDoesNotMatch"
    with pytest.raises(ClientError) as e:
        fake_aws_client(info, "identitystore", key, "wrong-secret").list_users(
            IdentityStoreId=info["customer"]["identity_store_id"]
        )
    assert error_code(e) == "InvalidSignatureException"


def test_platform_principal_may_not_create_roles(fake_aws_info):
    info = fake_aws_info
    with pytest.raises(ClientError) as e:
        fake_aws_platform(info, "iam").create_role(
            RoleName="x", AssumeRolePolicyDocument=fake_aws_trust_policy(info["platform"]["principal_arn"])
        )
    assert error_code(e) == "AccessDenied"


def test_full_paginated_read_with_boto3_paginators():
    with fake_aws_process("--users", "260", "--groups", "25", "--memberships", "700", "--tps", "1000") as info:
        ids = fake_aws_admin(info, "identitystore")
        store = info["customer"]["identity_store_id"]
        users = [u for p in ids.get_paginator("list_users").paginate(IdentityStoreId=store) for u in p["Users"]]
        groups = [g for p in ids.get_paginator("list_groups").paginate(IdentityStoreId=store) for g in p["Groups"]]
        memberships = [
            m
            for g in groups
            for p in ids.get_paginator("list_group_memberships").paginate(IdentityStoreId=store, GroupId=g["GroupId"])
            for m in p["GroupMemberships"]
        ]
        assert (len(users), len(groups), len(memberships)) == (260, 25, 700)
        assert {u["UserStatus"] for u in users} == {"ENABLED", "DISABLED"}
        user_ids = {u["UserId"] for u in users}
        assert all(m["MemberId"]["UserId"] in user_ids for m in memberships)
