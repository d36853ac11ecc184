"""fake-aws's two Identity Store quota models, seen from boto3: with
`per-api` each API has its own bucket; with `collective` every Identity Store
API of an instance draws on one."""

import pytest
from botocore.exceptions import ClientError

from fake_aws_fixtures import fake_aws_admin, fake_aws_process


def burst_then_other_api(model):
    with fake_aws_process("--tps", "3", "--quota-model", model) as info:
        ids = fake_aws_admin(info, "identitystore")
        store = info["customer"]["identity_store_id"]
        for _ in range(3):
            ids.list_users(IdentityStoreId=store, MaxResults=1)
        return ids.list_groups(IdentityStoreId=store, MaxResults=1)


def test_per_api_buckets_are_separate():
    assert "Groups" in burst_then_other_api("per-api")


def test_the_collective_bucket_is_shared_by_every_identity_store_api():
    with pytest.raises(ClientError) as e:
        burst_then_other_api("collective")
    assert e.value.response["Error"]["Code"] == "ThrottlingException"
    assert e.value.response["RetryAfterSeconds"] >= 1
