"""fake-aws's sso-admin and organizations errors, shaped exactly as
botocore's service models shape them: each error body (as sent, before
botocore parses it) has `__type`, `Message` and only the members of the
exception's shape in the model (`service-2.json` of sso-admin and
organizations), with `Reason` values from the model's enum. No
Identity Store member (`ResourceType`, `ResourceId`, `RetryAfterSeconds`,
`RequestId`) rides along on an sso-admin error."""

import json

import botocore.exceptions
import botocore.session
import pytest

from fake_aws_fixtures import fake_aws_admin, fake_aws_client, fake_aws_process

SCENE = ("--users", "5", "--groups", "2", "--memberships", "4", "--accounts", "2",
         "--permission-sets", "2", "--assignments", "2", "--member-accounts", "1",
         "--member-account", "--tps", "1000")
# Errors every AWS JSON service may answer that no model lists (authentication, protocol).
COMMON = {"UnrecognizedClientException", "InvalidSignatureException", "MissingAuthenticationTokenException",
          "ExpiredTokenException", "SerializationException", "UnknownOperationException"}


def model(service):
    return botocore.session.get_session().get_service_model(service)


def error_shape(service_model, code):
    for shape in service_model.error_shapes:
        if shape.name == code or shape.metadata.get("error", {}).get("code") == code:
            return shape
    return None


class Recorder:
    """The raw error bodies a client received, by exception code."""

    def __init__(self, client):
        self.bodies = []
        client.meta.events.register("before-parse", self.record)

    def record(self, operation_model, response_dict, **_):
        if response_dict["status_code"] >= 400:
            self.bodies.append(json.loads(response_dict["body"]))


def failing(client, recorder, call, **kwargs):
    before = len(recorder.bodies)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        getattr(client, call)(**kwargs)
    assert len(recorder.bodies) == before + 1, "one error response"
    body = recorder.bodies[-1]
    assert body["__type"].split("#")[-1] == e.value.response["Error"]["Code"]
    return body


def assert_modeled(service, body):
    """The body's members are exactly those the model's shape allows."""
    code = body["__type"].split("#")[-1]
    assert isinstance(body.get("Message"), str) and body["Message"], body
    members = set(body) - {"__type"}
    shape = error_shape(model(service), code)
    if shape is None:
        assert code in COMMON, f"{service} has no {code} in its model"
        assert members == {"Message"}, body
        return
    allowed = set(shape.members)
    assert members <= allowed, f"{service} {code}: {sorted(members - allowed)} not in the model's {sorted(allowed)}"
    for name in members:
        enum = shape.members[name].enum
        if enum:
            assert body[name] in enum, f"{service} {code}.{name}={body[name]!r} not in {enum}"


@pytest.fixture(scope="module")
def fake():
    with fake_aws_process(*SCENE) as info:
        yield info


def test_the_model_has_no_identity_store_members_on_sso_admin_errors():
    """The premise, from the model itself."""
    shape = error_shape(model("sso-admin"), "ResourceNotFoundException")
    assert set(shape.members) == {"Message", "Reason"}
    assert "ResourceType" in error_shape(model("identitystore"), "ResourceNotFoundException").members


def test_sso_admin_errors_follow_the_model(fake):
    sso = fake_aws_admin(fake, "sso-admin")
    rec = Recorder(sso)
    ins = fake["customer"]["instance_arn"]
    ghost = f"arn:aws:sso:::permissionSet/{ins.rsplit('/', 1)[-1]}/ps-0000000000000000"
    seen = {}
    for call, kwargs in [
        ("describe_permission_set", {"InstanceArn": ins, "PermissionSetArn": ghost}),
        ("get_inline_policy_for_permission_set", {"InstanceArn": ins, "PermissionSetArn": ghost}),
        ("list_account_assignments", {"InstanceArn": ins, "AccountId": "111122223333", "PermissionSetArn": ghost}),
        ("describe_account_assignment_creation_status",
         {"InstanceArn": ins, "AccountAssignmentCreationRequestId": "00000000-0000-0000-0000-000000000000"}),
        ("list_permission_sets", {"InstanceArn": ins, "MaxResults": 101}),
        ("list_permission_sets", {"InstanceArn": ins, "NextToken": "not-a-token"}),
        ("list_permission_sets", {"InstanceArn": "arn:aws:sso:::instance/ssoins-0000000000000000"}),
    ]:
        body = failing(sso, rec, call, **kwargs)
        assert_modeled("sso-admin", body)
        seen.setdefault(body["__type"], body)
    assert {"ResourceNotFoundException", "ValidationException"} <= set(seen), seen
    missing = seen["ResourceNotFoundException"]
    assert not {"ResourceType", "ResourceId", "RequestId"} & set(missing), missing

    # An account instance has no permission sets.
    m = fake["member"]
    member = fake_aws_client(fake, "sso-admin", m["admin_access_key_id"], m["admin_secret_access_key"],
                             region=m["home_region"])
    assert_modeled("sso-admin", failing(member, Recorder(member), "list_permission_sets",
                                        InstanceArn=m["instance_arn"]))
    # A plain member account may not read the organization's instance.
    acct = fake["customer"]["member_accounts"][0]
    plain = fake_aws_client(fake, "sso-admin", acct["access_key_id"], acct["secret_access_key"])
    assert_modeled("sso-admin", failing(plain, Recorder(plain), "list_permission_sets", InstanceArn=ins))
    # A name taken twice.
    sets = sso.list_permission_sets(InstanceArn=ins)["PermissionSets"]
    name = sso.describe_permission_set(InstanceArn=ins, PermissionSetArn=sets[0])["PermissionSet"]["Name"]
    body = failing(sso, rec, "create_permission_set", InstanceArn=ins, Name=name)
    assert_modeled("sso-admin", body)


@pytest.mark.parametrize("fault", ["--throttle-rate", "--error-rate"])
def test_injected_sso_admin_faults_follow_the_model(fault):
    with fake_aws_process(*SCENE, fault, "1.0") as info:
        sso = fake_aws_admin(info, "sso-admin")
        body = failing(sso, Recorder(sso), "list_permission_sets", InstanceArn=info["customer"]["instance_arn"])
        assert body["__type"] in ("ThrottlingException", "InternalServerException"), body
        assert_modeled("sso-admin", body)
        assert "RetryAfterSeconds" not in body


def test_organizations_errors_follow_the_model(fake):
    org = fake_aws_admin(fake, "organizations")
    rec = Recorder(org)
    for call, kwargs in [
        ("describe_account", {"AccountId": "999999999999"}),
        ("describe_account", {"AccountId": "not-an-id"}),
        ("list_accounts", {"NextToken": "not-a-token"}),
        ("register_delegated_administrator",
         {"AccountId": fake["customer"]["management_account_id"], "ServicePrincipal": "sso.amazonaws.com"}),
    ]:
        assert_modeled("organizations", failing(org, rec, call, **kwargs))
    codes = {b["__type"] for b in rec.bodies}
    assert {"AccountNotFoundException", "InvalidInputException", "ConstraintViolationException"} <= codes, codes
    # The member account with its own instance is outside the organization.
    m = fake["member"]
    outside = fake_aws_client(fake, "organizations", m["admin_access_key_id"], m["admin_secret_access_key"])
    assert_modeled("organizations", failing(outside, Recorder(outside), "list_accounts"))
    acct = fake["customer"]["member_accounts"][0]
    plain = fake_aws_client(fake, "organizations", acct["access_key_id"], acct["secret_access_key"])
    assert_modeled("organizations", failing(plain, Recorder(plain), "list_accounts"))
