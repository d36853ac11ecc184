"""The sso-admin reads roster's SSO source makes, against moto (an emulator
written by others) and fake-aws with the same scene: where moto implements
a call, both must answer the same (the conformance rule of §10). What moto
(pinned in tests/requirements.txt) does differently from AWS is measured
here, so an upgrade that changes it fails this test and the list below is
updated:

- its permission set ARNs are `arn:aws:sso:::instance/ssoins-…/ps-…`, not
  AWS's `arn:aws:sso:::permissionSet/ssoins-…/ps-…` (botocore's
  `PermissionSetArn` pattern): roster parses ARNs at the edge and refuses
  moto's, so `roster sync --scope access` cannot run against moto;
- `ProvisionPermissionSet` provisions to moto's own account whatever the
  `TargetId`, and `CreateAccountAssignment` provisions nothing (on AWS it
  provisions the set to the account), so neither
  `ListAccountsForProvisionedPermissionSet` nor
  `ListPermissionSetsProvisionedToAccount` lists the accounts a set is
  assigned on — a reader that plans its `ListAccountAssignments` calls by
  provisioning (as roster's does) finds no assignments in moto;
- `PutPermissionsBoundaryToPermissionSet`,
  `GetPermissionsBoundaryForPermissionSet` and `ListApplications` are not
  implemented;
- `CreateAccountAssignment` succeeds at once, for principals that do not
  exist too (AWS, and fake-aws, answer `IN_PROGRESS` and fail the request
  asynchronously for an unknown principal).
"""

import json
import re

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from fake_aws_fixtures import fake_aws_admin, fake_aws_process
from roster_fixtures import moto
from sso_scene import wait_done

# botocore's PermissionSetArn pattern (service-2.json of sso-admin).
AWS_PERMISSION_SET_ARN = re.compile(
    r"^arn:(aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b):sso:::permissionSet/(sso)?ins-[a-zA-Z0-9-.]{16}/ps-[a-zA-Z0-9-./]{16}$"
)
INLINE = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})


def moto_client(endpoint, service):
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing",
                        aws_secret_access_key="testing", config=Config(retries={"total_max_attempts": 1}))


def assign(sso, ins, account, arn, ptype, pid):
    created = sso.create_account_assignment(InstanceArn=ins, TargetId=account, TargetType="AWS_ACCOUNT",
                                            PermissionSetArn=arn, PrincipalType=ptype, PrincipalId=pid)
    status = created["AccountAssignmentCreationStatus"]
    if status["Status"] == "IN_PROGRESS":
        status = wait_done(sso.describe_account_assignment_creation_status, "AccountAssignmentCreationStatus",
                           InstanceArn=ins, AccountAssignmentCreationRequestId=status["RequestId"])
    return status["Status"]


def scenario(sso, ids, account):
    """The reads roster makes, over a scene both emulators can build; ARNs
    and principal IDs replaced by names so the answers compare."""
    instance = sso.list_instances()["Instances"][0]
    ins, store = instance["InstanceArn"], instance["IdentityStoreId"]
    user = ids.create_user(IdentityStoreId=store, UserName="ada", DisplayName="Ada",
                           Name={"GivenName": "Ada", "FamilyName": "L"})["UserId"]
    group = ids.create_group(IdentityStoreId=store, DisplayName="admins")["GroupId"]
    who = {user: "user:ada", group: "group:admins"}
    admin = sso.create_permission_set(InstanceArn=ins, Name="Admin", Description="Full access",
                                      SessionDuration="PT8H")["PermissionSet"]["PermissionSetArn"]
    ro = sso.create_permission_set(InstanceArn=ins, Name="ReadOnly",
                                   SessionDuration="PT1H")["PermissionSet"]["PermissionSetArn"]
    name = {admin: "Admin", ro: "ReadOnly"}
    sso.attach_managed_policy_to_permission_set(InstanceArn=ins, PermissionSetArn=admin,
                                                ManagedPolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    sso.put_inline_policy_to_permission_set(InstanceArn=ins, PermissionSetArn=ro, InlinePolicy=INLINE)
    sso.attach_customer_managed_policy_reference_to_permission_set(
        InstanceArn=ins, PermissionSetArn=ro, CustomerManagedPolicyReference={"Name": "base", "Path": "/team/"})
    statuses = [assign(sso, ins, account, admin, "GROUP", group), assign(sso, ins, account, ro, "USER", user),
                assign(sso, ins, account, ro, "GROUP", group)]
    listed = [a for page in sso.get_paginator("list_permission_sets").paginate(InstanceArn=ins)
              for a in page["PermissionSets"]]
    out = {"statuses": statuses, "sets": sorted(name[a] for a in listed), "described": {}, "assignments": []}
    for arn in listed:
        d = sso.describe_permission_set(InstanceArn=ins, PermissionSetArn=arn)["PermissionSet"]
        out["described"][name[arn]] = {
            "name": d["Name"], "description": d.get("Description"), "session": d.get("SessionDuration"),
            "managed": sso.list_managed_policies_in_permission_set(
                InstanceArn=ins, PermissionSetArn=arn)["AttachedManagedPolicies"],
            "customer": sso.list_customer_managed_policy_references_in_permission_set(
                InstanceArn=ins, PermissionSetArn=arn)["CustomerManagedPolicyReferences"],
            "inline": sso.get_inline_policy_for_permission_set(InstanceArn=ins, PermissionSetArn=arn)["InlinePolicy"],
        }
        pages = sso.get_paginator("list_account_assignments").paginate(
            InstanceArn=ins, AccountId=account, PermissionSetArn=arn)
        out["assignments"] += [(a["AccountId"] == account, name[a["PermissionSetArn"]], a["PrincipalType"],
                                who[a["PrincipalId"]]) for p in pages for a in p["AccountAssignments"]]
    out["assignments"].sort()
    out["to_account"] = sorted(name[a] for a in sso.list_permission_sets_provisioned_to_account(
        InstanceArn=ins, AccountId=account)["PermissionSets"])
    return out, listed


def test_moto_and_fake_aws_agree_on_the_sso_reads_moto_implements():
    with fake_aws_process("--member-accounts", "1", "--tps", "10000") as info:
        account = info["customer"]["member_accounts"][0]["account_id"]
        ours, our_arns = scenario(fake_aws_admin(info, "sso-admin"), fake_aws_admin(info, "identitystore"), account)
    with moto() as endpoint:
        theirs, their_arns = scenario(moto_client(endpoint, "sso-admin"), moto_client(endpoint, "identitystore"),
                                      account)
    assert ours["statuses"] == ["SUCCEEDED"] * 3
    # Assigning provisions on AWS and fake-aws; moto provisions nothing (documented above).
    assert (ours.pop("to_account"), theirs.pop("to_account")) == (["Admin", "ReadOnly"], [])
    assert ours == theirs
    assert ours["described"]["Admin"]["managed"] == [
        {"Name": "AdministratorAccess", "Arn": "arn:aws:iam::aws:policy/AdministratorAccess"}]
    assert ours["described"]["ReadOnly"]["inline"] == INLINE
    # The ARN shapes: fake-aws's follow AWS's pattern, moto's do not (documented above).
    assert all(AWS_PERMISSION_SET_ARN.match(a) for a in our_arns), our_arns
    assert not any(AWS_PERMISSION_SET_ARN.match(a) for a in their_arns), their_arns
    assert all(a.startswith("arn:aws:sso:::instance/") for a in their_arns), their_arns


def test_moto_gaps_are_as_documented():
    with moto() as endpoint:
        sso, ids = moto_client(endpoint, "sso-admin"), moto_client(endpoint, "identitystore")
        ins = sso.list_instances()["Instances"][0]["InstanceArn"]
        arn = sso.create_permission_set(InstanceArn=ins, Name="P")["PermissionSet"]["PermissionSetArn"]
        provisioned = sso.provision_permission_set(InstanceArn=ins, PermissionSetArn=arn, TargetType="AWS_ACCOUNT",
                                                   TargetId="111111111111")["PermissionSetProvisioningStatus"]
        assert provisioned["AccountId"] != "111111111111", "moto now provisions to the target: update the doc"
        listed = sso.list_accounts_for_provisioned_permission_set(InstanceArn=ins, PermissionSetArn=arn)["AccountIds"]
        assert "111111111111" not in listed
        for call, kwargs in (
            ("get_permissions_boundary_for_permission_set", {"InstanceArn": ins, "PermissionSetArn": arn}),
            ("list_applications", {"InstanceArn": ins}),
        ):
            with pytest.raises(ClientError) as e:
                getattr(sso, call)(**kwargs)
            assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] >= 500 or \
                "not been implemented" in str(e.value), call
        ghost = assign(sso, ins, "111111111111", arn, "USER", "00000000-0000-7000-8000-000000000000")
        assert ghost == "SUCCEEDED", "moto now checks the principal: update the doc"
        assert ids is not None
