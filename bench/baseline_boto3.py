"""The baseline: what typical open-source tools do to read an Identity Store.

Sequential ListUsers, ListGroups, then ListGroupMemberships group by group,
with botocore's standard retry mode (3 attempts), against a `roster fake-aws`
started with the same options as `roster bench sync`. Prints one JSON object.

    .venv/bin/python bench/baseline_boto3.py --roster target/release/roster -- \
        --users 20000 --groups 2000 --memberships 100000 --tps 200 --latency-ms 20
"""

import argparse
import json
import subprocess
import sys
import time

import boto3
from botocore.config import Config

EXTERNAL_ID = "baseline-external-id-0123456789abcdef0123"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--roster", default="target/release/roster")
    parser.add_argument("fake_aws_args", nargs="*")
    args = parser.parse_args()
    fake = subprocess.Popen([args.roster, "fake-aws", "--listen", "127.0.0.1:0", *args.fake_aws_args],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        info = json.loads(fake.stdout.readline())
        print(json.dumps(run(info)))
    finally:
        fake.terminate()
        fake.wait()


def run(info):
    customer, platform = info["customer"], info["platform"]
    region = customer["home_region"]
    iam = boto3.client("iam", endpoint_url=info["endpoint"], region_name=region,
                       aws_access_key_id=customer["admin_access_key_id"],
                       aws_secret_access_key=customer["admin_secret_access_key"])
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": platform["principal_arn"]},
             "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}}}]}
    role = iam.create_role(RoleName="baseline", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    iam.put_role_policy(RoleName="baseline", PolicyName="read", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*", "Action": [
            "identitystore:ListUsers", "identitystore:ListGroups", "identitystore:ListGroupMemberships"]}]}))
    sts = boto3.client("sts", endpoint_url=info["endpoint"], region_name=region,
                       aws_access_key_id=platform["access_key_id"], aws_secret_access_key=platform["secret_access_key"])
    creds = sts.assume_role(RoleArn=role, RoleSessionName="baseline", ExternalId=EXTERNAL_ID)["Credentials"]
    ids = boto3.client("identitystore", endpoint_url=info["endpoint"], region_name=region,
                       aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                       aws_session_token=creds["SessionToken"], config=Config(retries={"mode": "standard"}))
    store = customer["identity_store_id"]
    started = time.monotonic()
    counts = {"users": 0, "groups": 0, "memberships": 0}
    calls = 0
    try:
        for page in ids.get_paginator("list_users").paginate(IdentityStoreId=store, PaginationConfig={"PageSize": 100}):
            counts["users"] += len(page["Users"])
            calls += 1
        group_ids = []
        for page in ids.get_paginator("list_groups").paginate(IdentityStoreId=store, PaginationConfig={"PageSize": 100}):
            group_ids += [g["GroupId"] for g in page["Groups"]]
            calls += 1
        counts["groups"] = len(group_ids)
        for gid in group_ids:
            for page in ids.get_paginator("list_group_memberships").paginate(
                    IdentityStoreId=store, GroupId=gid, PaginationConfig={"PageSize": 100}):
                counts["memberships"] += len(page["GroupMemberships"])
                calls += 1
        outcome = {"complete": True}
    except Exception as e:  # what the tool's user would see
        outcome = {"complete": False, "error": f"{type(e).__name__}: {e}"[:300]}
    return {**outcome, **counts, "calls": calls, "wall_s": time.monotonic() - started}


if __name__ == "__main__":
    sys.exit(main())
