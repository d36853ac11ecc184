"""The same Organizations scenario against moto (an emulator written by
others) and fake-aws must give the same results (the conformance rule):
the management account describes its organization, lists accounts, registers
a member as IAM Identity Center's delegated administrator and lists it; the
errors AWS documents for re-registering and for the management account."""

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from fake_aws_fixtures import fake_aws_admin, fake_aws_process
from roster_fixtures import moto

# moto (pinned) refuses sso.amazonaws.com as a delegated-administrator service
# principal ("unrecognized service principal": a known moto gap), so the
# comparison uses a principal both accept; fake-aws's sso tests are elsewhere.
SERVICE = "access-analyzer.amazonaws.com"


def scenario(orgs, member_id):
    """Returns what a conformant emulator answers, normalised."""
    org = orgs.describe_organization()["Organization"]
    me = org["MasterAccountId"]
    accounts = [a["Id"] for p in orgs.get_paginator("list_accounts").paginate() for a in p["Accounts"]]
    out = {
        "feature_set": org["FeatureSet"],
        "management_listed": me in accounts,
        "member_listed": member_id in accounts,
        "member_described": orgs.describe_account(AccountId=member_id)["Account"]["Id"] == member_id,
    }
    orgs.register_delegated_administrator(AccountId=member_id, ServicePrincipal=SERVICE)
    admins = orgs.list_delegated_administrators(ServicePrincipal=SERVICE)["DelegatedAdministrators"]
    out["delegated"] = [a["Id"] == member_id for a in admins]
    for name, account in (("again", member_id), ("management", me)):
        with pytest.raises(ClientError) as e:
            orgs.register_delegated_administrator(AccountId=account, ServicePrincipal=SERVICE)
        out[name] = e.value.response["Error"]["Code"]
    with pytest.raises(ClientError) as e:
        orgs.describe_account(AccountId="000000000000")
    out["unknown_account"] = e.value.response["Error"]["Code"]
    return out


def test_moto_and_fake_aws_agree_on_organizations():
    with moto() as endpoint:
        orgs = boto3.client("organizations", endpoint_url=endpoint, region_name="us-east-1",
                            aws_access_key_id="testing", aws_secret_access_key="testing",
                            config=Config(retries={"total_max_attempts": 1}))
        orgs.create_organization(FeatureSet="ALL")
        status = orgs.create_account(Email="member@example.com", AccountName="member")["CreateAccountStatus"]
        member = status.get("AccountId") or orgs.describe_create_account_status(
            CreateAccountRequestId=status["Id"])["CreateAccountStatus"]["AccountId"]
        theirs = scenario(orgs, member)
    with fake_aws_process("--member-accounts", "1") as info:
        ours = scenario(fake_aws_admin(info, "organizations"), info["customer"]["member_accounts"][0]["account_id"])
    assert ours == theirs
