"""Connecting the SSO source, as a black box: `roster serve` against
`roster fake-aws` set up like a real organization (permission sets,
assignments, a delegated administrator, a plain member account, a member
account with its own account instance). Through the console's JSON API an
admin turns the SSO card on, creates the role from the wizard's own
policies, and runs the connection test: green from the management and the
delegated administrator accounts, each SSO diagnosis from the role that
causes it, and "also collect access" on an Identity Store connection."""

import json
import re

import pytest

from fake_aws_fixtures import fake_aws_client, fake_aws_process
from hostile_fixtures import base_env, console

SCENE = ("--users", "30", "--groups", "4", "--memberships", "40", "--accounts", "4",
         "--permission-sets", "3", "--assignments", "10", "--delegated-admin", "--member-accounts", "1",
         "--member-account", "--tps", "1000")
SSO_STEPS = ["sso-permission-sets", "sso-accounts", "sso-assignments"]


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sso-connect")
    with fake_aws_process(*SCENE) as info:
        p = info["platform"]
        env = base_env()
        env.update(AWS_ENDPOINT_URL=info["endpoint"], AWS_ACCESS_KEY_ID=p["access_key_id"],
                   AWS_SECRET_ACCESS_KEY=p["secret_access_key"], AWS_REGION=info["customer"]["home_region"],
                   ROSTER_PRINCIPAL_ARN=p["principal_arn"])
        with console(tmp, env=env) as c:
            yield info, c


def keys_of(info, where):
    c = info["customer"]
    if where == "management":
        return c["admin_access_key_id"], c["admin_secret_access_key"]
    if where == "delegated":
        return c["delegated_admin"]["access_key_id"], c["delegated_admin"]["secret_access_key"]
    if where == "member":
        m = c["member_accounts"][0]
        return m["access_key_id"], m["secret_access_key"]
    m = info["member"]  # the member account with its own account instance
    return m["admin_access_key_id"], m["admin_secret_access_key"]


_roles = iter(range(1000))


def create_role(info, where, trust, policy):
    """The customer's role, made with an account admin's keys from the wizard's JSON."""
    iam = fake_aws_client(info, "iam", *keys_of(info, where))
    name = f"roster-sso-{next(_roles)}"
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName="roster", PolicyDocument=policy)
    return arn, iam, name


def new_source(c, kind="aws-sso"):
    r = c.api.post(c.url("/api/v1/sources"), json={"kind": kind})
    assert r.status_code == 201, r.text
    source = r.json()["id"]
    setup = c.api.get(c.url(f"/api/v1/sources/{source}/setup")).json()
    return source, setup


def connect(c, source, role, **extra):
    r = c.api.post(c.url(f"/api/v1/sources/{source}/connect"), json={"role_arn": role, **extra}, timeout=300)
    assert r.status_code == 200, r.text
    return r.json()


def steps(result):
    return {s["step"]: s["status"] for s in result["steps"] if s["status"] != "running"}


def collects_access(c, source):
    page = c.session.get(c.url(f"/sources/{source}")).text
    return re.search(r'id="collects-access">([^<]*)<', page).group(1).startswith("yes")


def sso_policy_with(setup, transform):
    doc = json.loads(setup["permissions_policy"])
    for st in doc["Statement"]:
        if st["Sid"] == "RosterReadIdentityCenterAccess":
            st["Action"] = [transform(a) for a in st["Action"]]
    return json.dumps(doc)


@pytest.mark.parametrize("where", ["management", "delegated"])
def test_the_sso_wizard_connects_from_the_management_and_delegated_administrator_accounts(scene, where):
    info, c = scene
    source, setup = new_source(c)
    assert setup["collects_access"] is True
    policy = json.loads(setup["permissions_policy"])
    sso = next(s for s in policy["Statement"] if s["Sid"] == "RosterReadIdentityCenterAccess")
    assert "sso:ListPermissionSets" in sso["Action"] and "organizations:ListAccounts" in sso["Action"]
    assert any(s["Sid"] == "RosterReadIdentityStore" for s in policy["Statement"]), "groups need the directory"
    for text in (setup["cloudformation"], setup["terraform"], setup["aws_cli"]):
        assert "sso:ListAccountAssignments" in text and setup["external_id"] in text
    role, _, _ = create_role(info, where, setup["trust_policy"], setup["permissions_policy"])
    result = connect(c, source, role)
    assert result["status"] == "connected", result
    assert all(steps(result)[s] == "passed" for s in SSO_STEPS), result["steps"]
    detail = {s["step"]: s["detail"] for s in result["steps"] if s["status"] == "passed"}
    assert re.match(r"3 permission set\(s\) on arn:aws:sso:::instance/", detail["sso-permission-sets"]), detail
    assert collects_access(c, source)


def test_an_identity_store_connection_runs_no_sso_step_and_collects_no_access(scene):
    info, c = scene
    source, setup = new_source(c, "aws-identity-store")
    assert setup["collects_access"] is False
    assert "sso:ListPermissionSets" not in setup["permissions_policy"]
    role, _, _ = create_role(info, "management", setup["trust_policy"], setup["permissions_policy"])
    result = connect(c, source, role)
    assert result["status"] == "connected", result
    assert not set(SSO_STEPS) & set(steps(result))
    assert not collects_access(c, source)


def diagnosis(c, info, where, policy_of, **extra):
    source, setup = new_source(c)
    role, _, _ = create_role(info, where, setup["trust_policy"], policy_of(setup))
    result = connect(c, source, role, **extra)
    assert result["status"] == "failed", result
    r = c.api.get(c.url(f"/api/v1/sources/{source}"))
    assert r.json()["status"] == "pending", "a failed test keeps the connection pending"
    return result["diagnosis"], steps(result)


def test_a_role_in_a_plain_member_account_gets_sso_wrong_account(scene):
    info, c = scene
    cust = info["customer"]
    d, s = diagnosis(c, info, "member", lambda st: st["permissions_policy"],
                     identity_store_id=cust["identity_store_id"], region=cust["home_region"])
    assert d["code"] == "sso-wrong-account", d
    assert s["probe-reads"] == "passed" and s["sso-permission-sets"] == "failed", s
    assert s["sso-accounts"] == "skipped"
    assert cust["member_accounts"][0]["account_id"] in d["message"]
    assert d["fix"].startswith("use the management or delegated administrator account"), d


def test_identitycenter_prefix_instead_of_sso_gets_sso_wrong_prefix_naming_the_denied_action(scene):
    info, c = scene
    d, s = diagnosis(c, info, "management",
                     lambda st: sso_policy_with(st, lambda a: a.replace("sso:", "identitycenter:")))
    assert d["code"] == "sso-wrong-prefix", d
    assert s["sso-permission-sets"] == "failed"
    assert "sso:ListPermissionSets" in d["message"]
    assert "identitycenter: and sso-directory: grant nothing here" in d["fix"]
    assert '"sso:ListAccountAssignments"' in d["fix"]


def test_sso_directory_prefix_is_diagnosed_the_same_way(scene):
    info, c = scene
    d, _ = diagnosis(c, info, "management",
                     lambda st: sso_policy_with(st, lambda a: a.replace("sso:", "sso-directory:")))
    assert d["code"] == "sso-wrong-prefix", d


def test_a_role_without_the_sso_statement_gets_sso_access_denied(scene):
    info, c = scene
    d, s = diagnosis(c, info, "management",
                     lambda st: json.dumps({**json.loads(st["permissions_policy"]),
                                            "Statement": json.loads(st["permissions_policy"])["Statement"][:2]}))
    assert d["code"] == "sso-access-denied", d
    assert "sso:ListPermissionSets" in d["message"]
    assert "RosterReadIdentityCenterAccess" in d["fix"]


def test_a_denied_assignment_read_names_that_action(scene):
    info, c = scene
    d, s = diagnosis(c, info, "management",
                     lambda st: sso_policy_with(st, lambda a: a.replace("sso:ListAccountAssignments",
                                                                           "sso:ListAccountAssignmentsX")))
    assert d["code"] == "sso-access-denied", d
    assert s["sso-permission-sets"] == "passed" and s["sso-accounts"] == "passed"
    assert s["sso-assignments"] == "failed"
    assert "sso:ListAccountAssignments " in d["message"] + " "


def test_an_account_instance_gets_sso_account_instance(scene):
    info, c = scene
    d, _ = diagnosis(c, info, "account-instance", lambda st: st["permissions_policy"])
    assert d["code"] == "sso-account-instance", d
    assert "no permission sets" in d["message"]
    assert "management or delegated administrator account" in d["fix"]


def test_also_collect_access_extends_an_identity_store_connection(scene):
    info, c = scene
    source, setup = new_source(c, "aws-identity-store")
    role, iam, name = create_role(info, "management", setup["trust_policy"], setup["permissions_policy"])
    assert connect(c, source, role)["status"] == "connected"
    page = c.session.get(c.url(f"/sources/{source}")).text
    assert f'href="/sources/{source}/wizard?collect=access"' in page
    wizard = c.session.get(c.url(f"/sources/{source}/wizard?collect=access")).text
    assert 'data-collect-access="true"' in wizard and "RosterReadIdentityCenterAccess" in wizard

    denied = connect(c, source, role, collect_access=True)
    assert denied["status"] == "failed" and denied["diagnosis"]["code"] == "sso-access-denied", denied
    assert not collects_access(c, source), "a failed test does not turn access on"
    assert c.api.get(c.url(f"/api/v1/sources/{source}")).json()["status"] == "connected"

    doc = json.loads(setup["permissions_policy"])
    doc["Statement"].append(json.loads(setup["sso_statement"]))
    assert json.dumps(doc, sort_keys=True) == json.dumps(json.loads(setup["access_permissions_policy"]),
                                                         sort_keys=True)
    iam.put_role_policy(RoleName=name, PolicyName="roster", PolicyDocument=json.dumps(doc))
    ok = connect(c, source, role, collect_access=True)
    assert ok["status"] == "connected", ok
    assert all(steps(ok)[s] == "passed" for s in SSO_STEPS), ok["steps"]
    assert collects_access(c, source)
    assert f"/sources/{source}/wizard?collect=access" not in c.session.get(c.url(f"/sources/{source}")).text


def test_hostile_connect_requests_are_refused(scene):
    info, c = scene
    source, _ = new_source(c)
    r = c.api.post(c.url(f"/api/v1/sources/{source}/connect"),
                   json={"role_arn": "arn:aws:iam::111122223333:role/x", "collect_access": "yes"})
    assert r.status_code in (400, 422), r.text
    r = c.api.post(c.url(f"/api/v1/sources/{source}/connect"),
                   json={"role_arn": "arn:aws:iam::111122223333:role/x\u0000", "collect_access": True})
    assert r.status_code in (400, 422), r.text
    # A browser session without the CSRF header may not run the test.
    bare = c.session.headers.pop("x-csrf-token")
    try:
        r = c.session.post(c.url(f"/api/v1/sources/{source}/connect"),
                           json={"role_arn": "arn:aws:iam::111122223333:role/x", "collect_access": True})
        assert r.status_code == 403, r.text
    finally:
        c.session.headers["x-csrf-token"] = bare
    # A source ID that is not the tenant's is not found, whatever the body asks.
    r = c.api.post(c.url("/api/v1/sources/src-0000000000000000/connect"),
                   json={"role_arn": "arn:aws:iam::111122223333:role/x", "collect_access": True})
    assert r.status_code == 404, r.text
    r = c.api.post(c.url("/api/v1/sources"), json={"kind": "aws-sso", "name": "x" * 10_000})
    assert r.status_code in (400, 413, 422), r.text
