"""The SSO source tried as a new user would, against `roster demo`: its
built-in fake AWS holds an organization (accounts, permission sets with
AdministratorAccess and an inline "*" on "*" one, assignments to users and
groups, orphaned ones); an "AWS IAM Identity Center (SSO)" source created
through the API, its role created with the printed AWS CLI text, connects,
the in-process worker collects the directory and access, `roster access
list` shows who can reach which account, and the exported bundle verifies."""

import json
import os
import re
import subprocess
import sys
import time

import boto3
import pytest
import requests

from roster_fixtures import free_port, roster_bin, run_roster

BIN = os.path.dirname(sys.executable)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sso-demo")
    web, aws = free_port(), free_port()
    db = f"sqlite://{tmp / 'demo.db'}"
    proc = subprocess.Popen(
        [roster_bin(), "demo", "--listen", f"127.0.0.1:{web}", "--aws-listen", f"127.0.0.1:{aws}", "--users", "60",
         "--database-url", db],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if "/signin/link/" in line:
            break
    text = "".join(lines)
    link = re.search(r"(http://\S+/signin/link/\S+)", text)
    assert link, f"no sign-in link:\n{text}"
    keys = re.search(r"AWS_ACCESS_KEY_ID=(\S+) AWS_SECRET_ACCESS_KEY=(\S+) AWS_DEFAULT_REGION=(\S+)\)", text)
    assert "permission sets" in text, "the demo says it seeded an organization"
    session = requests.Session()
    session.get(link.group(1)).raise_for_status()
    page = session.get(f"http://127.0.0.1:{web}/sources").text
    session.headers["x-csrf-token"] = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    try:
        yield {"base": f"http://127.0.0.1:{web}", "aws": f"http://127.0.0.1:{aws}", "s": session,
               "keys": keys.groups(), "tmp": tmp, "db": db}
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def customer(demo, service):
    key, secret, region = demo["keys"]
    return boto3.client(service, endpoint_url=demo["aws"], region_name=region,
                        aws_access_key_id=key, aws_secret_access_key=secret)


def test_the_demo_organization_has_what_the_sso_source_is_about(demo):
    sso, ids = customer(demo, "sso-admin"), customer(demo, "identitystore")
    instance = sso.list_instances()["Instances"][0]
    ins, store = instance["InstanceArn"], instance["IdentityStoreId"]
    arns = [a for p in sso.get_paginator("list_permission_sets").paginate(InstanceArn=ins) for a in p["PermissionSets"]]
    names, inline_admin = set(), False
    for arn in arns:
        names.add(sso.describe_permission_set(InstanceArn=ins, PermissionSetArn=arn)["PermissionSet"]["Name"])
        inline = sso.get_inline_policy_for_permission_set(InstanceArn=ins, PermissionSetArn=arn)["InlinePolicy"]
        if inline:
            for s in json.loads(inline)["Statement"]:
                inline_admin |= s.get("Action") == "*" and s.get("Resource") == "*" and s.get("Effect") == "Allow"
    assert "AdministratorAccess" in names and inline_admin
    accounts = [a["Id"] for p in customer(demo, "organizations").get_paginator("list_accounts").paginate()
                for a in p["Accounts"]]
    assert len(accounts) >= 8
    kinds, orphans = set(), 0
    for arn in arns:
        for account in sso.list_accounts_for_provisioned_permission_set(InstanceArn=ins, PermissionSetArn=arn)["AccountIds"]:
            for p in sso.get_paginator("list_account_assignments").paginate(
                    InstanceArn=ins, AccountId=account, PermissionSetArn=arn):
                for a in p["AccountAssignments"]:
                    kinds.add(a["PrincipalType"])
                    describe = ids.describe_user if a["PrincipalType"] == "USER" else ids.describe_group
                    key = "UserId" if a["PrincipalType"] == "USER" else "GroupId"
                    try:
                        describe(IdentityStoreId=store, **{key: a["PrincipalId"]})
                    except ids.exceptions.ResourceNotFoundException:
                        orphans += 1
    assert kinds == {"USER", "GROUP"}
    assert orphans >= 1, "at least one assignment to a principal deleted since"


def test_a_new_user_connects_the_sso_source_and_sees_who_can_reach_which_account(demo):
    s, base = demo["s"], demo["base"]
    r = s.post(f"{base}/api/v1/sources", json={"kind": "aws-sso"})
    assert r.status_code == 201, r.text
    source = r.json()["id"]
    setup = s.get(f"{base}/api/v1/sources/{source}/setup").json()
    assert setup["collects_access"] is True
    key, secret, region = demo["keys"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret, AWS_DEFAULT_REGION=region,
               AWS_CONFIG_FILE="/nonexistent", AWS_SHARED_CREDENTIALS_FILE="/nonexistent",
               PATH=BIN + os.pathsep + env.get("PATH", ""))
    proc = subprocess.run(["bash", "-euo", "pipefail", "-c", setup["aws_cli"]], cwd=demo["tmp"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    arn = proc.stdout.strip().splitlines()[0]
    r = s.post(f"{base}/api/v1/sources/{source}/connect", json={"role_arn": arn})
    assert r.status_code == 200 and r.json()["status"] == "connected", r.text

    cli_env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    args = ["access", "list", "--source", source, "--format", "json", "--database-url", demo["db"]]
    deadline = time.time() + 120
    while True:
        proc = run_roster(args, cli_env)
        if proc.returncode == 0 and json.loads(proc.stdout):
            break
        assert time.time() < deadline, f"no access collected within 120 s: {proc.stderr}"
        time.sleep(1)
    rows = json.loads(proc.stdout)
    assert any(r["privileged"] and r["permission_set_name"] == "AdministratorAccess" and not r["orphaned"]
               for r in rows)
    assert any(r["orphaned"] for r in rows)
    assert {r["via"] == "direct" for r in rows} == {True, False}, "direct and group grants"
    assert all(r["account_name"] for r in rows)

    out = demo["tmp"] / "demo.zip"
    run_roster(["evidence", "export", "--source", source, "--out", str(out), "--database-url", demo["db"]],
               cli_env, check=0)
    ok = json.loads(run_roster(["evidence", "verify", str(out), "--json"], cli_env, check=0).stdout)
    assert ok["status"] == "ok" and "access.csv" in ok["files"] and "permission_sets.json" in ok["files"]
    # The console's export and report read the same moment: directory and access.
    r = s.get(f"{base}/api/v1/sources/{source}/bundle")
    assert r.status_code == 200, r.text
    api_zip = demo["tmp"] / "api.zip"
    api_zip.write_bytes(r.content)
    ok = json.loads(run_roster(["evidence", "verify", str(api_zip), "--json"], cli_env, check=0).stdout)
    assert ok["status"] == "ok" and "access.csv" in ok["files"]
    report = s.get(f"{base}/api/v1/sources/{source}/report")
    assert report.status_code == 200 and "Privileged access per account" in report.text
