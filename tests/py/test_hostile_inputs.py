"""Hostile values at the edge, on PostgreSQL (#13 items 7 and 9): NUL bytes
in every kind of input answer 400 (not 500), a directory user with a NUL in
a field syncs and is listed, and the size limits hold — source names,
invitation emails, HR roster rows. Plus the framework's own rejections
(bad JSON, wrong content type) answer roster's `{code, message}`."""

import json

import pytest
import requests

from fake_aws_fixtures import fake_aws_admin
from hostile_fixtures import postgres_database, synced_console, wait_for_sync


def add_nul_user(info):
    ids = fake_aws_admin(info, "identitystore")
    return ids.create_user(
        IdentityStoreId=info["customer"]["identity_store_id"], UserName="nul\x00user",
        DisplayName="Nul\x00Byte", Name={"GivenName": "Nul\x00", "FamilyName": "Byte"},
        Emails=[{"Value": "nul\x00@example.com", "Type": "work", "Primary": True}])["UserId"]


@pytest.fixture(scope="module")
def pg(tmp_path_factory):
    """`roster serve` on a fresh PostgreSQL database, with a source connected to
    fake-aws whose directory holds a user with a NUL in several fields."""
    created = {}
    with postgres_database() as url, synced_console(
            tmp_path_factory.mktemp("pg"), database_url=url,
            before_sync=lambda info: created.update(nul_user=add_nul_user(info))) as (c, source, _):
        yield {"c": c, "source": source, "nul_user": created["nul_user"]}


def test_a_directory_user_with_a_nul_syncs_on_postgresql(pg):
    c, source = pg["c"], pg["source"]
    r = c.api.post(c.url(f"/api/v1/sources/{source}/sync"))
    assert r.status_code == 202, r.text
    run = wait_for_sync(c, source)
    assert run["status"] == "complete", run
    user = c.api.get(c.url(f"/api/v1/sources/{source}/users/{pg['nul_user']}"))
    assert user.status_code == 200, user.text
    # Losslessly kept: the user as AWS returned it, NUL and all.
    assert user.json()["user"]["UserName"] == "nul\x00user", user.json()
    assert user.json()["user"]["DisplayName"] == "Nul\x00Byte"
    listed = c.api.get(c.url(f"/api/v1/sources/{source}/users"), params={"limit": 500})
    assert listed.status_code == 200, listed.text
    # Flagged in the list: U+FFFD where the NUL was.
    assert "nul\ufffduser" in json.dumps(listed.json(), ensure_ascii=False), listed.text[:500]


NUL = "a\x00b"


def test_nul_bytes_in_inputs_answer_400_not_500(pg):
    c, source = pg["c"], pg["source"]
    wait_for_sync(c, source)
    cases = {
        "source name": c.api.post(c.url("/api/v1/sources"), json={"kind": "aws-identity-store", "name": NUL}),
        "token name": c.session.post(c.url("/api/v1/tokens"), json={"name": NUL}),
        "invitation email": c.api.post(c.url("/api/v1/invitations"), json={"email": "a\x00@example.com",
                                                                             "role": "auditor"}),
        "q": c.api.get(c.url(f"/api/v1/sources/{source}/users"), params={"q": NUL}),
        "after": c.api.get(c.url(f"/api/v1/sources/{source}/users"), params={"after": NUL}),
        "group": c.api.get(c.url(f"/api/v1/sources/{source}/users"), params={"group": NUL}),
        "path": c.api.get(c.url(f"/api/v1/sources/{source}/users/a%00b")),
        "page q": c.session.get(c.url("/users"), params={"q": NUL}),
    }
    statuses = {what: r.status_code for what, r in cases.items()}
    assert all(s == 400 for s in statuses.values()), statuses
    assert c.api.get(c.url("/healthz")).status_code == 200


def test_source_names_are_capped(pg):
    c = pg["c"]
    ok = c.api.post(c.url("/api/v1/sources"), json={"kind": "aws-identity-store", "name": "n" * 128})
    assert ok.status_code == 201, ok.text
    for name in ["n" * 129, "n" * 2_000_000]:
        r = c.api.post(c.url("/api/v1/sources"), json={"kind": "aws-identity-store", "name": name})
        assert r.status_code in (400, 413), (len(name), r.status_code)
        assert r.json()["code"], r.text[:200]


@pytest.mark.parametrize("email", ["@", "a@", "@example.com", "a b@example.com", "a@b@example.com",
                                   "a@example", "x" * 250 + "@example.com", "tab\t@example.com"])
def test_invitation_emails_must_be_addresses(pg, email):
    c = pg["c"]
    r = c.api.post(c.url("/api/v1/invitations"), json={"email": email, "role": "auditor"})
    assert r.status_code == 400, (email, r.status_code, r.text[:200])


def test_hr_rosters_have_a_row_limit(pg):
    c, source = pg["c"], pg["source"]
    rows = "".join(f"p{i}@example.com\n" for i in range(100_001))
    r = c.api.put(c.url(f"/api/v1/sources/{source}/hr-roster"), data=("email\n" + rows).encode(),
                  headers={"Content-Type": "text/csv"})
    assert r.status_code == 400, r.status_code
    assert "100000 rows" in r.text and "100002" in r.text, r.text[:300]
    ok = c.api.put(c.url(f"/api/v1/sources/{source}/hr-roster"), data=b"email\nada@example.com\n",
                   headers={"Content-Type": "text/csv"})
    assert ok.status_code == 200, ok.text


def test_framework_rejections_answer_code_and_message(pg):
    c = pg["c"]
    bad_json = c.api.post(c.url("/api/v1/sources"), data=b"{not json", headers={"Content-Type": "application/json"})
    wrong_type = c.api.post(c.url("/api/v1/sources"), data=b"kind=x", headers={"Content-Type": "text/plain"})
    missing = c.api.post(c.url("/api/v1/invitations"), json={"role": "auditor"})
    for r in (bad_json, wrong_type, missing):
        assert 400 <= r.status_code < 500, r.status_code
        assert r.headers["content-type"].startswith("application/json"), (r.status_code, r.text[:200])
        body = r.json()
        assert body["code"] and body["message"], body
    assert requests.get(c.url("/healthz")).status_code == 200


def test_the_evidence_report_keeps_its_own_stricter_csp(pg):
    c, source = pg["c"], pg["source"]
    assert wait_for_sync(c, source)["status"] == "complete"
    r = c.api.get(c.url(f"/api/v1/sources/{source}/report"))
    assert r.status_code == 200, r.text[:300]
    assert r.headers["Content-Security-Policy"].startswith("default-src 'none'"), r.headers
    assert r.headers["X-Frame-Options"] == "DENY"
    assert "no-store" in r.headers["Cache-Control"]
