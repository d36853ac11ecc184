"""fake-aws's AWS Organizations, delegated administrator, member accounts,
statuses, KMS key states, clock skew and bad keys, proved with boto3 (a
client nobody here wrote): wire shapes and error codes as AWS answers them."""

import email.utils
import time

import pytest
from botocore.exceptions import ClientError

from fake_aws_fixtures import (
    fake_aws_admin,
    fake_aws_client,
    fake_aws_create_role,
    fake_aws_platform,
    fake_aws_process,
)

SSO = "sso.amazonaws.com"


def code(exc_info):
    return exc_info.value.response["Error"]["Code"]


def keys_client(info, keys, service):
    return fake_aws_client(info, service, keys["access_key_id"], keys["secret_access_key"])


@pytest.fixture(scope="module")
def org():
    with fake_aws_process("--delegated-admin", "--member-accounts", "2", "--member-account") as info:
        yield info


def test_info_line_names_the_delegated_admin_and_member_accounts(org):
    c = org["customer"]
    assert c["organization_id"].startswith("o-")
    da = c["delegated_admin"]
    assert set(da) == {"account_id", "access_key_id", "secret_access_key"} and len(da["account_id"]) == 12
    assert len(c["member_accounts"]) == 2
    ids = {m["account_id"] for m in c["member_accounts"]} | {da["account_id"], c["management_account_id"]}
    assert len(ids) == 4


def test_describe_organization_from_every_account_of_the_organization(org):
    c = org["customer"]
    for client in (fake_aws_admin(org, "organizations"),
                   keys_client(org, c["delegated_admin"], "organizations"),
                   keys_client(org, c["member_accounts"][0], "organizations")):
        o = client.describe_organization()["Organization"]
        assert o["Id"] == c["organization_id"]
        assert o["MasterAccountId"] == c["management_account_id"]
        assert o["Arn"] == f"arn:aws:organizations::{c['management_account_id']}:organization/{c['organization_id']}"
        assert o["FeatureSet"] == "ALL"
    # roster's platform principal may only call STS: IAM refuses before Organizations answers.
    with pytest.raises(ClientError) as e:
        fake_aws_platform(org, "organizations").describe_organization()
    assert code(e) == "AccessDeniedException"


def test_list_and_describe_accounts_are_for_the_management_account_and_delegated_admins(org):
    c = org["customer"]
    mgmt = fake_aws_admin(org, "organizations")
    pages = list(mgmt.get_paginator("list_accounts").paginate(PaginationConfig={"PageSize": 2}))
    assert len(pages) >= 2, "pages of at most MaxResults"
    accounts = [a for p in pages for a in p["Accounts"]]
    assert accounts[0]["Id"] == c["management_account_id"]
    assert {c["delegated_admin"]["account_id"], *(m["account_id"] for m in c["member_accounts"])} <= {a["Id"] for a in accounts}
    assert all(a["Status"] == "ACTIVE" and a["Arn"].startswith("arn:aws:organizations::") for a in accounts)
    da = keys_client(org, c["delegated_admin"], "organizations")
    assert len(da.list_accounts()["Accounts"]) == len(accounts)
    one = mgmt.describe_account(AccountId=c["member_accounts"][0]["account_id"])["Account"]
    assert one["Id"] == c["member_accounts"][0]["account_id"]
    with pytest.raises(ClientError) as e:
        mgmt.describe_account(AccountId="000000000000")
    assert code(e) == "AccountNotFoundException"
    with pytest.raises(ClientError) as e:
        mgmt.list_accounts(MaxResults=21)
    assert code(e) == "InvalidInputException"
    with pytest.raises(ClientError) as e:
        keys_client(org, c["member_accounts"][0], "organizations").list_accounts()
    assert code(e) == "AccessDeniedException"


def test_delegated_administrators_are_registered_by_the_management_account(org):
    c = org["customer"]
    mgmt = fake_aws_admin(org, "organizations")
    listed = mgmt.list_delegated_administrators(ServicePrincipal=SSO)["DelegatedAdministrators"]
    assert [d["Id"] for d in listed] == [c["delegated_admin"]["account_id"]]
    assert "DelegationEnabledDate" in listed[0]
    with pytest.raises(ClientError) as e:
        mgmt.register_delegated_administrator(AccountId=c["delegated_admin"]["account_id"], ServicePrincipal=SSO)
    assert code(e) == "AccountAlreadyRegisteredException"
    with pytest.raises(ClientError) as e:
        mgmt.register_delegated_administrator(AccountId=c["management_account_id"], ServicePrincipal=SSO)
    assert code(e) == "ConstraintViolationException"
    assert e.value.response["Reason"] == "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR"
    with pytest.raises(ClientError) as e:
        keys_client(org, c["member_accounts"][0], "organizations").register_delegated_administrator(
            AccountId=c["member_accounts"][1]["account_id"], ServicePrincipal=SSO)
    assert code(e) == "AccessDeniedException"
    with pytest.raises(ClientError) as e:
        mgmt.register_delegated_administrator(AccountId="000000000000", ServicePrincipal=SSO)
    assert code(e) == "AccountNotFoundException"


def test_the_delegated_admin_sees_the_organization_instance_owned_by_the_management_account(org):
    c = org["customer"]
    instances = keys_client(org, c["delegated_admin"], "sso-admin").list_instances()["Instances"]
    assert [(i["InstanceArn"], i["OwnerAccountId"], i["Status"]) for i in instances] == [
        (c["instance_arn"], c["management_account_id"], "ACTIVE")]
    regions = keys_client(org, c["delegated_admin"], "sso-admin").list_regions(InstanceArn=c["instance_arn"])["Regions"]
    assert [(r["RegionName"], r["Status"], r["IsPrimaryRegion"]) for r in regions] == [(c["home_region"], "ACTIVE", True)]
    # A plain member sees nothing until the management account registers it.
    member = c["member_accounts"][1]
    assert keys_client(org, member, "sso-admin").list_instances()["Instances"] == []
    fake_aws_admin(org, "organizations").register_delegated_administrator(AccountId=member["account_id"], ServicePrincipal=SSO)
    assert [i["InstanceArn"] for i in keys_client(org, member, "sso-admin").list_instances()["Instances"]] == [c["instance_arn"]]


def test_member_accounts_read_the_organization_identity_store(org):
    c = org["customer"]
    ids = keys_client(org, c["member_accounts"][0], "identitystore")
    assert len(ids.list_users(IdentityStoreId=c["identity_store_id"], MaxResults=7)["Users"]) == 7
    # An account instance stays its owner's.
    with pytest.raises(ClientError) as e:
        keys_client(org, c["member_accounts"][0], "identitystore").list_users(
            IdentityStoreId=org["member"]["identity_store_id"])
    assert code(e) == "AccessDeniedException"


def test_instance_and_region_statuses():
    with fake_aws_process("--instance-status", "CREATE_IN_PROGRESS", "--replica-regions", "eu-west-1",
                          "--region-status", "eu-west-1=ADDING") as info:
        sso = fake_aws_admin(info, "sso-admin")
        (inst,) = sso.list_instances()["Instances"]
        assert inst["Status"] == "CREATE_IN_PROGRESS"
        statuses = {r["RegionName"]: r["Status"] for r in sso.list_regions(InstanceArn=inst["InstanceArn"])["Regions"]}
        assert statuses == {"us-east-1": "ACTIVE", "eu-west-1": "ADDING"}


@pytest.mark.parametrize("state,exception,reason", [
    ("disabled", "ValidationException", "KMS_DISABLED"),
    ("pending-deletion", "ValidationException", "KMS_INVALID_STATE"),
    ("not-found", "ResourceNotFoundException", "KMS_KEY_NOT_FOUND"),
])
def test_kms_key_states_answer_with_the_identity_store_reason(state, exception, reason):
    with fake_aws_process("--kms-key-state", state) as info:
        with pytest.raises(ClientError) as e:
            fake_aws_admin(info, "identitystore").list_users(IdentityStoreId=info["customer"]["identity_store_id"])
        assert code(e) == exception
        assert e.value.response["Reason"] == reason


@pytest.mark.parametrize("skew,wording", [
    (3600, "Signature expired: "),
    (-3600, "Signature not yet current: "),
])
def test_a_skewed_clock_fails_as_aws_fails_it(skew, wording):
    with fake_aws_process("--clock-skew-seconds", str(skew)) as info:
        with pytest.raises(ClientError) as e:
            fake_aws_platform(info, "sts").get_caller_identity()
        assert code(e) == "SignatureDoesNotMatch"
        message = e.value.response["Error"]["Message"]
        assert message.startswith(wording)
        assert message.endswith(" - 15 min.)" if skew > 0 else " + 15 min.)")
        # The Date header shows fake-aws's own (skewed) clock, as AWS's shows its own.
        served = email.utils.parsedate_to_datetime(e.value.response["ResponseMetadata"]["HTTPHeaders"]["date"])
        assert abs(served.timestamp() - time.time() - skew) < 120
        with pytest.raises(ClientError) as e:
            fake_aws_admin(info, "identitystore").list_users(IdentityStoreId=info["customer"]["identity_store_id"])
        assert code(e) == "InvalidSignatureException"
        assert e.value.response["Error"]["Message"].startswith(wording)


def test_unknown_and_expired_keys_as_aws_answers_them():
    with fake_aws_process("--session-seconds", "1") as info:
        bad = fake_aws_client(info, "sts", "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        with pytest.raises(ClientError) as e:
            bad.get_caller_identity()
        assert code(e) == "InvalidClientTokenId"
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
        role = fake_aws_create_role(info, "roster", ["identitystore:ListUsers"])
        creds = fake_aws_platform(info, "sts").assume_role(
            RoleArn=role, RoleSessionName="roster-py", DurationSeconds=900,
            ExternalId="roster-py-test-external-id-0123456789abcdef")["Credentials"]
        time.sleep(2.1)
        args = (creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
        with pytest.raises(ClientError) as e:
            fake_aws_client(info, "sts", *args).get_caller_identity()
        assert code(e) == "ExpiredToken"
        with pytest.raises(ClientError) as e:
            fake_aws_client(info, "identitystore", *args).list_users(IdentityStoreId=info["customer"]["identity_store_id"])
        assert code(e) == "ExpiredTokenException"
