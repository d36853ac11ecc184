"""Creates the customer role in fake-aws as a customer would (trust policy with
roster's principal and External ID, read-only inline policy) and prints shell
variables for roster: ROLE_ARN and the platform's AWS settings."""

import json
import shlex
import sys

import boto3

info = json.loads(open(sys.argv[1]).readline())
external_id = sys.argv[2]
customer, platform = info["customer"], info["platform"]
iam = boto3.client("iam", endpoint_url=info["endpoint"], region_name=customer["home_region"],
                   aws_access_key_id=customer["admin_access_key_id"],
                   aws_secret_access_key=customer["admin_secret_access_key"])
trust = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": platform["principal_arn"]}, "Action": "sts:AssumeRole",
    "Condition": {"StringEquals": {"sts:ExternalId": external_id}}}]}
permissions = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Resource": "*", "Action": [
        "identitystore:ListUsers", "identitystore:ListGroups", "identitystore:ListGroupMemberships"]},
    {"Effect": "Allow", "Resource": "*", "Action": ["sso:ListInstances", "sso:ListRegions"]}]}
role = iam.create_role(RoleName="roster-identity-store", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
iam.put_role_policy(RoleName="roster-identity-store", PolicyName="roster-read", PolicyDocument=json.dumps(permissions))
for name, value in {
    "ROLE_ARN": role["Arn"],
    "AWS_ENDPOINT_URL": info["endpoint"],
    "AWS_ACCESS_KEY_ID": platform["access_key_id"],
    "AWS_SECRET_ACCESS_KEY": platform["secret_access_key"],
    "AWS_REGION": customer["home_region"],
}.items():
    print(f"export {name}={shlex.quote(value)}")
