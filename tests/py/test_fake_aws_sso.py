"""fake-aws's sso-admin (permission sets, provisioning, account assignments)
through boto3 and the AWS CLI, clients nobody here wrote: a scene built with
boto3 writes reads back exactly, lists page at the model's maximum of 100,
the collective `sso:` quota throttles, and the organization generator
(`--accounts/--permission-sets/--assignments`) is deterministic."""

import json
import os
import subprocess
import time
import urllib.request

import pytest
from botocore.exceptions import ClientError

from fake_aws_fixtures import REPO, fake_aws_admin, fake_aws_client, fake_aws_process

INLINE = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
)
FAST = ("--tps", "10000")


def error_code(exc_info):
    return exc_info.value.response["Error"]["Code"]


def wait_succeeded(describe, member, **kwargs):
    """Polls an asynchronous status as a client of AWS must; returns the final status."""
    for _ in range(50):
        status = describe(**kwargs)[member]
        if status["Status"] != "IN_PROGRESS":
            return status
        time.sleep(0.1)
    pytest.fail(f"{member} still IN_PROGRESS")


def test_a_scene_built_with_boto3_reads_back_exactly():
    with fake_aws_process("--member-accounts", "2", *FAST) as info:
        sso = fake_aws_admin(info, "sso-admin")
        ids = fake_aws_admin(info, "identitystore")
        ins = info["customer"]["instance_arn"]
        store = info["customer"]["identity_store_id"]
        account = info["customer"]["member_accounts"][0]["account_id"]
        ps = sso.create_permission_set(
            InstanceArn=ins, Name="DevOps", Description="Deploys", SessionDuration="PT4H"
        )["PermissionSet"]
        arn = ps["PermissionSetArn"]
        assert arn.startswith("arn:aws:sso:::permissionSet/" + ins.rsplit("/", 1)[1] + "/ps-")
        sso.attach_managed_policy_to_permission_set(
            InstanceArn=ins, PermissionSetArn=arn, ManagedPolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess"
        )
        sso.attach_customer_managed_policy_reference_to_permission_set(
            InstanceArn=ins, PermissionSetArn=arn, CustomerManagedPolicyReference={"Name": "base", "Path": "/t/"}
        )
        sso.put_inline_policy_to_permission_set(InstanceArn=ins, PermissionSetArn=arn, InlinePolicy=INLINE)
        sso.put_permissions_boundary_to_permission_set(
            InstanceArn=ins,
            PermissionSetArn=arn,
            PermissionsBoundary={"CustomerManagedPolicyReference": {"Name": "fence"}},
        )
        user = ids.create_user(
            IdentityStoreId=store, UserName="ada", DisplayName="Ada L", Name={"GivenName": "Ada", "FamilyName": "L"}
        )["UserId"]
        group = ids.create_group(IdentityStoreId=store, DisplayName="ops")["GroupId"]
        for ptype, pid in (("USER", user), ("GROUP", group)):
            created = sso.create_account_assignment(
                InstanceArn=ins,
                TargetId=account,
                TargetType="AWS_ACCOUNT",
                PermissionSetArn=arn,
                PrincipalType=ptype,
                PrincipalId=pid,
            )["AccountAssignmentCreationStatus"]
            assert created["Status"] == "IN_PROGRESS"
            done = wait_succeeded(
                sso.describe_account_assignment_creation_status,
                "AccountAssignmentCreationStatus",
                InstanceArn=ins,
                AccountAssignmentCreationRequestId=created["RequestId"],
            )
            assert done["Status"] == "SUCCEEDED"
        ghost = sso.create_account_assignment(
            InstanceArn=ins,
            TargetId=account,
            TargetType="AWS_ACCOUNT",
            PermissionSetArn=arn,
            PrincipalType="USER",
            PrincipalId="00000000-0000-7000-8000-000000000000",
        )["AccountAssignmentCreationStatus"]
        failed = wait_succeeded(
            sso.describe_account_assignment_creation_status,
            "AccountAssignmentCreationStatus",
            InstanceArn=ins,
            AccountAssignmentCreationRequestId=ghost["RequestId"],
        )
        assert failed["Status"] == "FAILED" and failed["FailureReason"]

        described = sso.describe_permission_set(InstanceArn=ins, PermissionSetArn=arn)["PermissionSet"]
        assert (described["Name"], described["Description"], described["SessionDuration"]) == (
            "DevOps",
            "Deploys",
            "PT4H",
        )
        assert sso.list_permission_sets(InstanceArn=ins)["PermissionSets"] == [arn]
        assert sso.list_managed_policies_in_permission_set(InstanceArn=ins, PermissionSetArn=arn)[
            "AttachedManagedPolicies"
        ] == [{"Name": "ReadOnlyAccess", "Arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}]
        assert sso.list_customer_managed_policy_references_in_permission_set(InstanceArn=ins, PermissionSetArn=arn)[
            "CustomerManagedPolicyReferences"
        ] == [{"Name": "base", "Path": "/t/"}]
        assert sso.get_inline_policy_for_permission_set(InstanceArn=ins, PermissionSetArn=arn)["InlinePolicy"] == INLINE
        assert sso.get_permissions_boundary_for_permission_set(InstanceArn=ins, PermissionSetArn=arn)[
            "PermissionsBoundary"
        ] == {"CustomerManagedPolicyReference": {"Name": "fence", "Path": "/"}}
        assert sso.list_accounts_for_provisioned_permission_set(InstanceArn=ins, PermissionSetArn=arn)[
            "AccountIds"
        ] == [account]
        assert sso.list_permission_sets_provisioned_to_account(InstanceArn=ins, AccountId=account)[
            "PermissionSets"
        ] == [arn]
        got = sso.list_account_assignments(InstanceArn=ins, AccountId=account, PermissionSetArn=arn)[
            "AccountAssignments"
        ]
        assert sorted((a["PrincipalType"], a["PrincipalId"]) for a in got) == sorted(
            [("USER", user), ("GROUP", group)]
        )
        assert all(a["AccountId"] == account and a["PermissionSetArn"] == arn for a in got)
        # A policy change leaves the account on an older version until re-provisioned.
        sso.put_inline_policy_to_permission_set(InstanceArn=ins, PermissionSetArn=arn, InlinePolicy=INLINE)
        stale = sso.list_accounts_for_provisioned_permission_set(
            InstanceArn=ins, PermissionSetArn=arn, ProvisioningStatus="LATEST_PERMISSION_SET_NOT_PROVISIONED"
        )
        assert stale["AccountIds"] == [account]
        sso.provision_permission_set(InstanceArn=ins, PermissionSetArn=arn, TargetType="ALL_PROVISIONED_ACCOUNTS")
        fresh = sso.list_accounts_for_provisioned_permission_set(
            InstanceArn=ins, PermissionSetArn=arn, ProvisioningStatus="LATEST_PERMISSION_SET_NOT_PROVISIONED"
        )
        assert fresh["AccountIds"] == []
        with pytest.raises(ClientError) as e:
            sso.create_permission_set(InstanceArn=ins, Name="DevOps")
        assert error_code(e) == "ConflictException"


def test_lists_page_at_100_and_refuse_101():
    with fake_aws_process("--accounts", "3", "--permission-sets", "150", *FAST) as info:
        sso = fake_aws_admin(info, "sso-admin")
        ins = info["customer"]["instance_arn"]
        first = sso.list_permission_sets(InstanceArn=ins, MaxResults=100)
        assert len(first["PermissionSets"]) == 100 and first["NextToken"]
        pages = sso.get_paginator("list_permission_sets").paginate(
            InstanceArn=ins, PaginationConfig={"PageSize": 100}
        )
        arns = [a for page in pages for a in page["PermissionSets"]]
        assert len(arns) == len(set(arns)) == 150
        with pytest.raises(ClientError) as e:
            sso.list_permission_sets(InstanceArn=ins, MaxResults=101)
        assert error_code(e) == "ValidationException"
        assert "100" in e.value.response["Error"]["Message"]
        account = info["customer"]["management_account_id"]
        with pytest.raises(ClientError) as e:
            sso.list_account_assignments(InstanceArn=ins, AccountId=account, PermissionSetArn=arns[0], MaxResults=101)
        assert error_code(e) == "ValidationException"
        with pytest.raises(ClientError) as e:
            sso.create_permission_set(InstanceArn=ins, Name="TooLong", SessionDuration="PT13H")
        assert error_code(e) == "ValidationException"


def test_the_collective_sso_quota_throttles_and_is_counted_per_api():
    with fake_aws_process("--accounts", "2", "--permission-sets", "3", "--tps", "5") as info:
        sso = fake_aws_admin(info, "sso-admin")
        ins = info["customer"]["instance_arn"]
        throttled = []
        for i in range(12):
            try:
                if i % 2:
                    sso.list_permission_sets(InstanceArn=ins)
                else:
                    sso.list_account_assignments_for_principal(
                        InstanceArn=ins, PrincipalType="USER", PrincipalId="00000000-0000-7000-8000-000000000000"
                    )
            except ClientError as e:
                throttled.append(e.response["Error"]["Code"])
        # 5 tokens shared by both APIs: at least 12 - 5 - (refill) throttled.
        assert len(throttled) >= 5 and set(throttled) == {"ThrottlingException"}
        with urllib.request.urlopen(info["endpoint"] + "/_fake-aws/stats", timeout=5) as r:
            apis = json.load(r)["apis"]
        assert apis["sso:ListPermissionSets"]["calls"] == 6
        assert apis["sso:ListAccountAssignmentsForPrincipal"]["calls"] == 6
        assert apis["sso:ListPermissionSets"]["throttled"] + apis["sso:ListAccountAssignmentsForPrincipal"][
            "throttled"
        ] == len(throttled)


def read_organization(info):
    """Everything the generated organization holds, read through the APIs."""
    sso = fake_aws_admin(info, "sso-admin")
    orgs = fake_aws_admin(info, "organizations")
    ins = info["customer"]["instance_arn"]
    accounts = [
        (a["Id"], a["Name"])
        for page in orgs.get_paginator("list_accounts").paginate()
        for a in page["Accounts"]
    ]
    out = {"accounts": accounts, "sets": [], "assignments": []}
    for page in sso.get_paginator("list_permission_sets").paginate(InstanceArn=ins):
        for arn in page["PermissionSets"]:
            d = sso.describe_permission_set(InstanceArn=ins, PermissionSetArn=arn)["PermissionSet"]
            inline = sso.get_inline_policy_for_permission_set(InstanceArn=ins, PermissionSetArn=arn)["InlinePolicy"]
            managed = sso.list_managed_policies_in_permission_set(InstanceArn=ins, PermissionSetArn=arn)[
                "AttachedManagedPolicies"
            ]
            out["sets"].append((arn, d["Name"], d["SessionDuration"], inline, [m["Name"] for m in managed]))
            provisioned = sso.list_accounts_for_provisioned_permission_set(InstanceArn=ins, PermissionSetArn=arn)
            for account in provisioned["AccountIds"]:
                pages = sso.get_paginator("list_account_assignments").paginate(
                    InstanceArn=ins, AccountId=account, PermissionSetArn=arn
                )
                for p in pages:
                    out["assignments"].extend(
                        (a["AccountId"], a["PermissionSetArn"], a["PrincipalType"], a["PrincipalId"])
                        for a in p["AccountAssignments"]
                    )
    return out


def test_the_generator_is_deterministic_and_realistic():
    args = ("--seed", "5", "--accounts", "6", "--permission-sets", "12", "--assignments", "300", *FAST)
    with fake_aws_process(*args) as info:
        first = read_organization(info)
        ids = fake_aws_admin(info, "identitystore")
        store = info["customer"]["identity_store_id"]
        orphans = 0
        for _, _, ptype, pid in first["assignments"]:
            try:
                if ptype == "USER":
                    ids.describe_user(IdentityStoreId=store, UserId=pid)
                else:
                    ids.describe_group(IdentityStoreId=store, GroupId=pid)
            except ClientError as e:
                assert e.response["Error"]["Code"] == "ResourceNotFoundException"
                orphans += 1
    with fake_aws_process(*args) as info:
        assert read_organization(info) == first
    assert len(first["accounts"]) == 7  # the management account and 6 generated
    assert len(first["sets"]) == 12 and len(first["assignments"]) == 300
    kinds = [a[2] for a in first["assignments"]]
    assert kinds.count("GROUP") > kinds.count("USER") > 0
    assert 0 < orphans < 30
    names = {s[1] for s in first["sets"]}
    assert "AdministratorAccess" in names
    assert any('"Action":"*"' in s[3] for s in first["sets"])
    durations = {s[2] for s in first["sets"]}
    assert "PT1H" in durations and "PT12H" in durations
    admin = next(s[0] for s in first["sets"] if s[1] == "AdministratorAccess")
    admin_accounts = {a[0] for a in first["assignments"] if a[1] == admin}
    assert len(admin_accounts) <= 3, "administrator access on a few accounts, not all"


def test_the_aws_cli_lists_permission_sets():
    aws = REPO / ".venv" / "bin" / "aws"
    if not aws.exists():
        pytest.fail(f"the AWS CLI is not installed at {aws}")
    with fake_aws_process("--accounts", "2", "--permission-sets", "4") as info:
        c = info["customer"]
        env = dict(
            os.environ,
            AWS_ACCESS_KEY_ID=c["admin_access_key_id"],
            AWS_SECRET_ACCESS_KEY=c["admin_secret_access_key"],
            AWS_DEFAULT_REGION=c["home_region"],
            AWS_CONFIG_FILE="/dev/null",
            AWS_SHARED_CREDENTIALS_FILE="/dev/null",
        )
        env.pop("AWS_SESSION_TOKEN", None)
        env.pop("AWS_PROFILE", None)
        out = subprocess.run(
            [str(aws), "sso-admin", "list-permission-sets", "--instance-arn", c["instance_arn"],
             "--endpoint-url", info["endpoint"], "--output", "json"],
            env=env, capture_output=True, text=True, timeout=60, check=True,
        )
        arns = json.loads(out.stdout)["PermissionSets"]
        assert len(arns) == 4 and all(a.startswith("arn:aws:sso:::permissionSet/") for a in arns)


def test_applications_and_their_assignments():
    with fake_aws_process("--member-account", *FAST) as info:
        sso = fake_aws_admin(info, "sso-admin")
        ids = fake_aws_admin(info, "identitystore")
        ins = info["customer"]["instance_arn"]
        store = info["customer"]["identity_store_id"]
        custom = "arn:aws:sso::aws:applicationProvider/custom"
        created = [
            sso.create_application(InstanceArn=ins, ApplicationProviderArn=custom, Name=f"app-{n}")["ApplicationArn"]
            for n in range(60)
        ]
        assert created[0].startswith(f"arn:aws:sso::{info['customer']['management_account_id']}:application/")
        # ApplicationList holds at most 50: a page of 100 asked answers 50 and a token.
        first = sso.list_applications(InstanceArn=ins, MaxResults=100)
        assert len(first["Applications"]) == 50 and first["NextToken"]
        listed = [
            a["ApplicationArn"]
            for page in sso.get_paginator("list_applications").paginate(InstanceArn=ins)
            for a in page["Applications"]
        ]
        assert sorted(listed) == sorted(created)
        group = ids.create_group(IdentityStoreId=store, DisplayName="sales")["GroupId"]
        sso.create_application_assignment(ApplicationArn=created[0], PrincipalType="GROUP", PrincipalId=group)
        with pytest.raises(ClientError) as e:
            sso.create_application_assignment(ApplicationArn=created[0], PrincipalType="GROUP", PrincipalId=group)
        assert error_code(e) == "ConflictException"
        got = sso.list_application_assignments(ApplicationArn=created[0])["ApplicationAssignments"]
        assert got == [{"ApplicationArn": created[0], "PrincipalType": "GROUP", "PrincipalId": group}]
        # An account instance has applications but no permission sets.
        m = info["member"]
        member = fake_aws_client(info, "sso-admin", m["admin_access_key_id"], m["admin_secret_access_key"])
        assert member.list_applications(InstanceArn=m["instance_arn"])["Applications"] == []
        with pytest.raises(ClientError) as e:
            member.list_permission_sets(InstanceArn=m["instance_arn"])
        assert error_code(e) == "ValidationException"


def test_generated_applications_are_assigned():
    with fake_aws_process("--accounts", "2", "--permission-sets", "3", "--assignments", "10", *FAST) as info:
        sso = fake_aws_admin(info, "sso-admin")
        apps = sso.list_applications(InstanceArn=info["customer"]["instance_arn"])["Applications"]
        assert {a["Name"] for a in apps} == {"Salesforce", "GitHub Enterprise", "Jira", "Slack"}
        for app in apps:
            got = sso.list_application_assignments(ApplicationArn=app["ApplicationArn"])["ApplicationAssignments"]
            assert {a["PrincipalType"] for a in got} == {"USER", "GROUP"}
