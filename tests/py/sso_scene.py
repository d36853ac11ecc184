"""An organization built with boto3 against `roster fake-aws` (accounts,
permission sets with every kind of policy, provisioning, assignments to
users and to groups with members, an assignment to a user and to a group
deleted since, more than one permission set per account), the role roster
syncs with, and the effective-access table computed here, independently of
roster, from what the scene wrote and the directory as boto3 reads it."""

import fnmatch
import json
import time

from fake_aws_fixtures import fake_aws_admin
from roster_fixtures import aws_env, roster_json

ADMIN_INLINE = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
S3_INLINE = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}]}
)
# The permission sets: name → (session, managed policy ARNs, inline, boundary, customer managed refs).
SETS = {
    "AdministratorAccess": ("PT1H", ["arn:aws:iam::aws:policy/AdministratorAccess"], None, None, []),
    "BreakGlass": ("PT12H", [], ADMIN_INLINE, None, []),
    "ReadOnly": ("PT8H", ["arn:aws:iam::aws:policy/ReadOnlyAccess"], None, None, []),
    "Developer": (
        "PT4H",
        ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
        S3_INLINE,
        {"CustomerManagedPolicyReference": {"Name": "dev-boundary", "Path": "/"}},
        [{"Name": "dev-base", "Path": "/team/"}],
    ),
    "DatabaseAdmin": ("PT2H", ["arn:aws:iam::aws:policy/job-function/DatabaseAdministrator"], None, None, []),
    "Unused": ("PT1H", [], None, None, []),
}


def platform_env(info):
    p = info["platform"]
    env = aws_env(info["endpoint"], p["access_key_id"], p["secret_access_key"], info["customer"]["home_region"])
    env.pop("ROSTER_PRINCIPAL_ARN", None)
    return env


def wait_done(describe, member, **kwargs):
    """Polls AWS's asynchronous status shape until it is no longer IN_PROGRESS."""
    for _ in range(100):
        status = describe(**kwargs)[member]
        if status["Status"] != "IN_PROGRESS":
            return status
        time.sleep(0.05)
    raise AssertionError(f"{member} still IN_PROGRESS")


def privileged(name, managed, inline):
    """roster's rule, restated: AdministratorAccess attached, an inline Allow "*" on "*",
    or a name matching the default pattern *admin*."""
    if any(a.endswith(":policy/AdministratorAccess") for a in managed):
        return True
    if inline:
        for s in json.loads(inline).get("Statement", []):
            if s.get("Effect") == "Allow" and s.get("Action") in ("*", ["*"]) and s.get("Resource") in ("*", ["*"]):
                return True
    return fnmatch.fnmatch(name.lower(), "*admin*")


class Scene:
    def __init__(self, info):
        self.info = info
        c = info["customer"]
        self.ins = c["instance_arn"]
        self.store = c["identity_store_id"]
        self.sso = fake_aws_admin(info, "sso-admin")
        self.ids = fake_aws_admin(info, "identitystore")
        self.orgs = fake_aws_admin(info, "organizations")
        self.accounts = {
            a["Id"]: a.get("Name")
            for page in self.orgs.get_paginator("list_accounts").paginate()
            for a in page["Accounts"]
        }
        self.management = c["management_account_id"]
        self.members = [m["account_id"] for m in c["member_accounts"]]
        self.sets = {}  # ARN → {"name", "privileged"}
        self.arns = {}  # name → ARN
        self.assignments = set()  # (account, ARN, principal type, principal ID)

    # --- writing the scene -------------------------------------------------
    def user(self, name, disabled=False):
        uid = self.ids.create_user(
            IdentityStoreId=self.store, UserName=name, DisplayName=name.title(),
            Name={"GivenName": name, "FamilyName": "Test"},
            Emails=[{"Value": f"{name}@example.com", "Type": "work", "Primary": True}],
        )["UserId"]
        if disabled:
            self.ids.update_user(IdentityStoreId=self.store, UserId=uid,
                                 Operations=[{"AttributePath": "userStatus", "AttributeValue": "DISABLED"}])
        return uid

    def group(self, name, members=()):
        gid = self.ids.create_group(IdentityStoreId=self.store, DisplayName=name)["GroupId"]
        for uid in members:
            self.ids.create_group_membership(IdentityStoreId=self.store, GroupId=gid, MemberId={"UserId": uid})
        return gid

    def permission_set(self, name):
        session, managed, inline, boundary, customer = SETS[name]
        arn = self.sso.create_permission_set(
            InstanceArn=self.ins, Name=name, Description=f"{name} for the scene", SessionDuration=session
        )["PermissionSet"]["PermissionSetArn"]
        for m in managed:
            self.sso.attach_managed_policy_to_permission_set(InstanceArn=self.ins, PermissionSetArn=arn, ManagedPolicyArn=m)
        if inline:
            self.sso.put_inline_policy_to_permission_set(InstanceArn=self.ins, PermissionSetArn=arn, InlinePolicy=inline)
        if boundary:
            self.sso.put_permissions_boundary_to_permission_set(
                InstanceArn=self.ins, PermissionSetArn=arn, PermissionsBoundary=boundary)
        for ref in customer:
            self.sso.attach_customer_managed_policy_reference_to_permission_set(
                InstanceArn=self.ins, PermissionSetArn=arn, CustomerManagedPolicyReference=ref)
        self.sets[arn] = {"name": name, "privileged": privileged(name, managed, inline)}
        self.arns[name] = arn
        return arn

    def provision(self, name, account):
        status = self.sso.provision_permission_set(
            InstanceArn=self.ins, PermissionSetArn=self.arns[name], TargetType="AWS_ACCOUNT", TargetId=account
        )["PermissionSetProvisioningStatus"]
        done = wait_done(self.sso.describe_permission_set_provisioning_status, "PermissionSetProvisioningStatus",
                         InstanceArn=self.ins, ProvisionPermissionSetRequestId=status["RequestId"])
        assert done["Status"] == "SUCCEEDED", done

    def assign(self, account, name, ptype, pid):
        arn = self.arns[name]
        created = self.sso.create_account_assignment(
            InstanceArn=self.ins, TargetId=account, TargetType="AWS_ACCOUNT",
            PermissionSetArn=arn, PrincipalType=ptype, PrincipalId=pid,
        )["AccountAssignmentCreationStatus"]
        done = wait_done(self.sso.describe_account_assignment_creation_status, "AccountAssignmentCreationStatus",
                         InstanceArn=self.ins, AccountAssignmentCreationRequestId=created["RequestId"])
        assert done["Status"] == "SUCCEEDED", done
        self.assignments.add((account, arn, ptype, pid))

    def unassign(self, account, name, ptype, pid):
        arn = self.arns[name]
        deleted = self.sso.delete_account_assignment(
            InstanceArn=self.ins, TargetId=account, TargetType="AWS_ACCOUNT",
            PermissionSetArn=arn, PrincipalType=ptype, PrincipalId=pid,
        )["AccountAssignmentDeletionStatus"]
        done = wait_done(self.sso.describe_account_assignment_deletion_status, "AccountAssignmentDeletionStatus",
                         InstanceArn=self.ins, AccountAssignmentDeletionRequestId=deleted["RequestId"])
        assert done["Status"] == "SUCCEEDED", done
        self.assignments.discard((account, arn, ptype, pid))

    def build(self):
        """The organization of the tests; returns the principals by name."""
        p = {}
        for name in ("ada", "bob", "cy", "eve", "fay"):
            p[name] = self.user(name)
        p["dan"] = self.user("dan", disabled=True)
        p["admins"] = self.group("=platform-admins", [p["ada"], p["bob"]])
        p["devs"] = self.group("developers", [p["bob"], p["cy"], p["dan"], p["eve"]])
        p["empty"] = self.group("nobody-yet")
        p["temp"] = self.group("contractors", [p["fay"]])
        for name in SETS:
            self.permission_set(name)
        a0, a1, a2 = self.members[:3]
        # Unassigned provisioning: read, but grants no one anything.
        self.provision("Unused", a2)
        self.provision("ReadOnly", a2)
        self.assign(a0, "AdministratorAccess", "GROUP", p["admins"])
        self.assign(a0, "ReadOnly", "GROUP", p["devs"])
        self.assign(a0, "ReadOnly", "USER", p["cy"])  # cy twice: direct and via developers
        self.assign(a0, "DatabaseAdmin", "USER", p["ada"])
        self.assign(a1, "BreakGlass", "USER", p["ada"])
        self.assign(a1, "Developer", "GROUP", p["devs"])
        self.assign(a1, "ReadOnly", "USER", p["eve"])
        self.assign(a1, "ReadOnly", "GROUP", p["temp"])
        self.assign(a2, "AdministratorAccess", "USER", p["dan"])  # a disabled user
        self.assign(a2, "Developer", "GROUP", p["empty"])  # no members: no row
        self.assign(self.management, "ReadOnly", "GROUP", p["admins"])
        # Deleted since they were assigned: orphaned assignments.
        self.ids.delete_user(IdentityStoreId=self.store, UserId=p["eve"])
        self.ids.delete_group(IdentityStoreId=self.store, GroupId=p["temp"])
        return p

    # --- reading it back, independently of roster --------------------------
    def directory(self):
        users = {
            u["UserId"]: u
            for page in self.ids.get_paginator("list_users").paginate(IdentityStoreId=self.store)
            for u in page["Users"]
        }
        groups = {
            g["GroupId"]: g
            for page in self.ids.get_paginator("list_groups").paginate(IdentityStoreId=self.store)
            for g in page["Groups"]
        }
        members = {}
        for gid in groups:
            pages = self.ids.get_paginator("list_group_memberships").paginate(IdentityStoreId=self.store, GroupId=gid)
            members[gid] = sorted(
                {m["MemberId"]["UserId"] for page in pages for m in page["GroupMemberships"]} & set(users)
            )
        return users, groups, members

    def expected(self):
        """The effective-access table: one row per user, account, permission set and path."""
        users, groups, members = self.directory()
        rows = []
        for account, arn, ptype, pid in self.assignments:
            base = {
                "account_id": account,
                "account_name": self.accounts.get(account),
                "permission_set_arn": arn,
                "permission_set_name": self.sets[arn]["name"],
                "privileged": self.sets[arn]["privileged"],
            }

            def row(uid, via, gid, orphaned):
                u = users.get(uid) if uid else None
                return {
                    **base,
                    "user_id": uid,
                    "user_name": u["UserName"] if u else None,
                    "via": via,
                    "via_group_id": gid,
                    "orphaned": orphaned,
                    "user_disabled": bool(u and u.get("UserStatus") == "DISABLED"),
                }

            if ptype == "USER":
                rows.append(row(pid, "direct", None, pid not in users))
            elif pid not in groups:
                rows.append(row(None, pid, pid, True))
            else:
                via = groups[pid].get("DisplayName") or pid
                rows.extend(row(uid, via, pid, False) for uid in members[pid])
        rows.sort(key=lambda r: (r["user_id"] or "", r["account_id"], r["permission_set_arn"], r["via_group_id"] or ""))
        return rows

    # --- roster -------------------------------------------------------------
    def role(self, scratch_db):
        """The role `roster source create --kind aws-sso` asks for, created verbatim."""
        env = platform_env(self.info)
        created = roster_json(["source", "create", "--kind", "aws-sso", "--json", "--database-url", scratch_db], env)
        iam = fake_aws_admin(self.info, "iam")
        arn = iam.create_role(RoleName="roster-sso", AssumeRolePolicyDocument=json.dumps(created["trust_policy"]))[
            "Role"]["Arn"]
        iam.put_role_policy(RoleName="roster-sso", PolicyName="roster", PolicyDocument=json.dumps(created["inline_policy"]))
        return arn, created["external_id"]


def comparable(rows):
    """JSON rows as the test compares them: every field the expectation has."""
    keys = ("user_id", "user_name", "account_id", "account_name", "permission_set_arn", "permission_set_name",
            "via", "via_group_id", "orphaned", "privileged", "user_disabled")
    return [{k: r.get(k) for k in keys} for r in rows]


def csv_cell(v):
    """How roster writes a value into CSV (formula-neutralised)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    v = str(v)
    return "'" + v if v[:1] in ("=", "+", "-", "@", "\t", "\r") else v
