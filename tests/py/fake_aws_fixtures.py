"""Fixtures for tests against `roster fake-aws` run as a subprocess.

The binary is `$ROSTER_BIN fake-aws` when ROSTER_BIN is set, else the
crate's example server (`cargo build -p roster-fake-aws --example serve`).
"""

import contextlib
import json
import os
import pathlib
import select
import subprocess
import urllib.parse

import boto3
import pytest
from botocore.config import Config

REPO = pathlib.Path(__file__).resolve().parents[2]
EXTERNAL_ID = "roster-py-test-external-id-0123456789abcdef"
NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})


def fake_aws_command():
    """The command that starts fake-aws, or a test failure saying how to get one."""
    roster_bin = os.environ.get("ROSTER_BIN")
    if roster_bin:
        return [roster_bin, "fake-aws"]
    example = REPO / "target" / "debug" / "examples" / "serve"
    if example.exists():
        return [str(example)]
    pytest.fail(
        "no fake-aws binary: set ROSTER_BIN to the roster binary, or run "
        "`cargo build -p roster-fake-aws --example serve`"
    )


@contextlib.contextmanager
def fake_aws_process(*args, timeout=60):
    """Starts fake-aws on a free loopback port; yields the info JSON of its first stdout line."""
    cmd = fake_aws_command() + ["--listen", "127.0.0.1:0", *args]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        ready, _, _ = select.select([proc.stdout], [], [], timeout)
        line = proc.stdout.readline() if ready else ""
        if not line:
            pytest.fail(f"fake-aws printed no info line within {timeout}s: {' '.join(cmd)}")
        yield json.loads(line)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def fake_aws_info():
    """A fake-aws with the default small directory and a 20 TPS quota."""
    with fake_aws_process() as info:
        yield info


def fake_aws_client(info, service, key, secret, token=None, region=None):
    session = boto3.session.Session(
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        aws_session_token=token,
        region_name=region or info["customer"]["home_region"],
    )
    return session.client(service, endpoint_url=info["endpoint"], config=NO_RETRIES)


def fake_aws_admin(info, service):
    c = info["customer"]
    return fake_aws_client(info, service, c["admin_access_key_id"], c["admin_secret_access_key"])


def fake_aws_platform(info, service):
    p = info["platform"]
    return fake_aws_client(info, service, p["access_key_id"], p["secret_access_key"])


def fake_aws_trust_policy(principal_arn, external_id=EXTERNAL_ID):
    statement = {"Effect": "Allow", "Principal": {"AWS": principal_arn}, "Action": "sts:AssumeRole"}
    if external_id is not None:
        statement["Condition"] = {"StringEquals": {"sts:ExternalId": external_id}}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def fake_aws_read_policy(actions):
    return json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}]}
    )


def fake_aws_create_role(info, name, inline_actions=None, managed=(), external_id=EXTERNAL_ID):
    """Creates a customer role trusting roster's platform principal; returns its ARN."""
    iam = fake_aws_admin(info, "iam")
    trust = fake_aws_trust_policy(info["platform"]["principal_arn"], external_id)
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)["Role"]
    if inline_actions is not None:
        iam.put_role_policy(RoleName=name, PolicyName="roster-read", PolicyDocument=fake_aws_read_policy(inline_actions))
    for arn in managed:
        iam.attach_role_policy(RoleName=name, PolicyArn=arn)
    return role["Arn"]


def fake_aws_assume(info, role_arn, external_id=EXTERNAL_ID, service="identitystore"):
    """AssumeRole as the platform principal; returns a client of `service` on the session."""
    sts = fake_aws_platform(info, "sts")
    kwargs = {"RoleArn": role_arn, "RoleSessionName": "roster-py", "DurationSeconds": 900}
    if external_id is not None:
        kwargs["ExternalId"] = external_id
    creds = sts.assume_role(**kwargs)["Credentials"]
    return fake_aws_client(info, service, creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])


def fake_aws_decode_policy(document):
    """IAM returns policy documents URL-encoded; botocore usually decodes them already."""
    if isinstance(document, str):
        return json.loads(urllib.parse.unquote(document))
    return document
