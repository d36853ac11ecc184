"""Evidence end to end against fake-aws: sync, change the directory through
the Identity Store write API (add a user, remove a privileged membership,
disable a user in a privileged group), sync again; `roster diff` and
`roster check` show exactly those changes, and the exported bundle verifies
(and stops verifying once a byte changes)."""

import json
import zipfile

from fake_aws_fixtures import EXTERNAL_ID, fake_aws_admin, fake_aws_create_role, fake_aws_process
from roster_fixtures import aws_env, roster_json, run_roster

READS = ["identitystore:ListUsers", "identitystore:ListGroups", "identitystore:ListGroupMemberships"]
DISCOVERY = ["sso:ListInstances", "sso:ListRegions"]


def platform_env(info):
    p = info["platform"]
    return aws_env(info["endpoint"], p["access_key_id"], p["secret_access_key"], info["customer"]["home_region"])


def sync(info, role, db):
    return roster_json(["sync", "--role-arn", role, "--external-id", EXTERNAL_ID, "--database-url", db, "--json"],
                       platform_env(info))


def findings(checks, check_id):
    check = next(c for c in checks["checks"] if c["id"] == check_id)
    return check["status"], [f["id"] for f in check["findings"]]


def test_diff_checks_and_bundle_show_exactly_the_changes(tmp_path):
    db = f"sqlite://{tmp_path / 'r.db'}"
    with fake_aws_process("--users", "30", "--groups", "5", "--memberships", "40", "--seed", "11") as info:
        store_id = info["customer"]["identity_store_id"]
        ids = fake_aws_admin(info, "identitystore")
        users = ids.list_users(IdentityStoreId=store_id, MaxResults=100)["Users"]
        enabled = [u for u in users if u.get("UserStatus", "ENABLED") == "ENABLED"]
        leaver, disabled = enabled[0], enabled[1]
        group = ids.create_group(IdentityStoreId=store_id, DisplayName="evidence-admins")["GroupId"]
        leaving = ids.create_group_membership(IdentityStoreId=store_id, GroupId=group,
                                              MemberId={"UserId": leaver["UserId"]})["MembershipId"]
        ids.create_group_membership(IdentityStoreId=store_id, GroupId=group, MemberId={"UserId": disabled["UserId"]})

        role = fake_aws_create_role(info, "roster", READS + DISCOVERY)
        env = platform_env(info)
        first = sync(info, role, db)
        assert run_roster(["diff", "--format", "json", "--database-url", db], env, check=0).stdout.strip() == "null"
        before = roster_json(["check", "--format", "json", "--database-url", db], env)
        assert findings(before, "IDS-07")[0] == "skipped"

        new_user = ids.create_user(IdentityStoreId=store_id, UserName="new.hire", DisplayName="New Hire",
                                   Name={"GivenName": "New", "FamilyName": "Hire"},
                                   Emails=[{"Value": "new.hire@example.com", "Type": "work", "Primary": True}])["UserId"]
        ids.delete_group_membership(IdentityStoreId=store_id, MembershipId=leaving)
        ids.update_user(IdentityStoreId=store_id, UserId=disabled["UserId"],
                        Operations=[{"AttributePath": "userStatus", "AttributeValue": "DISABLED"}])
        second = sync(info, role, db)

    diff = roster_json(["diff", "--format", "json", "--database-url", db], env)
    assert (diff["from_sync"], diff["to_sync"]) == (first["sync_id"], second["sync_id"])
    assert [u["user_id"] for u in diff["users"]["added"]] == [new_user]
    assert diff["users"]["removed"] == []
    assert [(c["user_id"], c["fields"]) for c in diff["users"]["changed"]] == [
        (disabled["UserId"], [{"field": "UserStatus", "before": "ENABLED", "after": "DISABLED"}])]
    assert [m["membership_id"] for m in diff["memberships"]["removed"]] == [leaving]
    assert diff["memberships"]["removed"][0]["group_name"] == "evidence-admins"
    assert diff["memberships"]["added"] == []
    assert diff["groups"] == {"added": [], "removed": [], "renamed": [], "changed": []}
    table = run_roster(["diff", "--database-url", db], env, check=0).stdout
    assert "+ user   new.hire" in table and "UserStatus ENABLED → DISABLED" in table

    after = roster_json(["check", "--format", "json", "--database-url", db], env)
    assert findings(after, "IDS-07") == ("review", [leaving])
    status, disabled_members = findings(after, "IDS-04")
    assert status == "fail"
    assert set(disabled_members) - set(findings(before, "IDS-04")[1]) == {disabled["UserId"]}
    assert findings(after, "IDS-08")[0] == "pass"
    assert all(c["controls"] for c in after["checks"])

    hr = tmp_path / "hr.csv"
    hr.write_text("email\nnew.hire@example.com\n")
    with_hr = roster_json(["check", "--format", "json", "--hr-roster", str(hr), "--database-url", db], env)
    status, gaps = findings(with_hr, "IDS-09")
    assert status == "fail" and new_user not in gaps and len(gaps) > 0
    bad = tmp_path / "bad.csv"
    bad.write_text("email\nok@example.com\nnot-an-email\n")
    proc = run_roster(["check", "--hr-roster", str(bad), "--database-url", db], env)
    assert proc.returncode == 1 and "bad.csv:3:" in proc.stderr and "nothing was stored" in proc.stderr

    out_a, out_b = tmp_path / "a.zip", tmp_path / "b.zip"
    exported = run_roster(["evidence", "export", "--out", str(out_a), "--database-url", db], env, check=0).stdout
    run_roster(["evidence", "export", "--out", str(out_b), "--database-url", db], env, check=0)
    assert out_a.read_bytes() == out_b.read_bytes(), "the same snapshot exports to identical bytes"
    public_key = exported.strip().rsplit(" ", 1)[-1]
    ok = roster_json(["evidence", "verify", str(out_a), "--public-key", public_key, "--json"], env)
    assert ok["status"] == "ok" and "diff.json" in ok["files"]
    with zipfile.ZipFile(out_a) as z:
        assert z.namelist()[-1] == "manifest.json"
        bundled_diff = json.loads(z.read("diff.json"))
        assert bundled_diff["memberships"]["removed"][0]["membership_id"] == leaving
        files = {n: z.read(n) for n in z.namelist()}
    files["users.csv"] = files["users.csv"].replace(b"new.hire", b"new.hirf")
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(tampered, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    proc = run_roster(["evidence", "verify", str(tampered)], env)
    assert proc.returncode == 3 and "FAIL: users.csv: SHA-256" in proc.stderr
    wrong = run_roster(["evidence", "verify", str(out_a), "--public-key", "AAAA" + public_key[4:]], env)
    assert wrong.returncode == 3 and "not the expected key" in wrong.stderr
