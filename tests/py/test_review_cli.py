"""Access reviews through the CLI contract (product.md §13) against fake-aws:
open a campaign on a directory snapshot, decide (revoke with a comment,
keep), remove the revoked membership in fake-aws through the Identity Store
API, sync again, and see the item remediated by that snapshot; a revoke whose
access stays becomes overdue after a short remediation window and IDS-10
fails; the campaign's bundle verifies and stops verifying once a byte
changes."""

import csv
import io
import json
import time
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


def review(env, db, *args):
    return roster_json(["review", *args, "--format", "json", "--database-url", db], env)


def item_of(shown, user_name, group_name):
    return next(i for i in shown["items"] if i["user_name"] == user_name and i["display_name"] == group_name)


def test_a_campaign_from_revoke_to_remediated_with_a_verifiable_bundle(tmp_path):
    db = f"sqlite://{tmp_path / 'r.db'}"
    with fake_aws_process("--users", "20", "--groups", "4", "--memberships", "25", "--seed", "5") as info:
        store_id = info["customer"]["identity_store_id"]
        ids = fake_aws_admin(info, "identitystore")
        users = ids.list_users(IdentityStoreId=store_id, MaxResults=100)["Users"]
        leaver, stayer = users[0], users[1]
        admins = ids.create_group(IdentityStoreId=store_id, DisplayName="platform-admins")["GroupId"]
        leaving = ids.create_group_membership(IdentityStoreId=store_id, GroupId=admins,
                                              MemberId={"UserId": leaver["UserId"]})["MembershipId"]
        ids.create_group_membership(IdentityStoreId=store_id, GroupId=admins, MemberId={"UserId": stayer["UserId"]})
        role = fake_aws_create_role(info, "roster", READS + DISCOVERY)
        env = platform_env(info)
        first = sync(info, role, db)

        created = review(env, db, "create", "--reviewer", "lead@example.com")
        assert created["id"].startswith("rev_")
        assert created["items"] == first["memberships"] == 27, "the population is the whole snapshot"
        assert review(env, db, "create", "--filter", "privileged")["items"] >= 2
        privileged = review(env, db, "create", "--filter", "privileged", "--filter", "group=platform-admins",
                            "--reviewer", "lead@example.com")
        assert privileged["items"] == 2
        campaign = privileged["id"]
        listed = [c["id"] for c in review(env, db, "list")]
        assert len(listed) == 3 and {campaign, created["id"]} <= set(listed)

        shown = review(env, db, "show", campaign)
        assert shown["id"] == campaign and len(shown["items"]) == 2
        assert {i["decision"] for i in shown["items"]} == {"undecided"}
        assert {i["remediation"] for i in shown["items"]} == {None}
        gone = item_of(shown, leaver["UserName"], "platform-admins")
        kept = item_of(shown, stayer["UserName"], "platform-admins")

        no_comment = run_roster(["review", "decide", campaign, str(gone["id"]), "revoke", "--database-url", db], env)
        assert no_comment.returncode == 1 and "comment" in no_comment.stderr
        review(env, db, "decide", campaign, str(gone["id"]), "revoke", "--comment", "left the platform team")
        review(env, db, "decide", campaign, str(kept["id"]), "keep")
        shown = review(env, db, "show", campaign)
        assert item_of(shown, leaver["UserName"], "platform-admins")["decision"] == "revoke"
        assert item_of(shown, leaver["UserName"], "platform-admins")["remediation"] == "pending"
        assert item_of(shown, leaver["UserName"], "platform-admins")["decided_by"].startswith("cli:")
        assert item_of(shown, stayer["UserName"], "platform-admins")["remediation"] is None

        # The revoke is carried out in AWS (by people, not roster); the next sync sees it.
        ids.delete_group_membership(IdentityStoreId=store_id, MembershipId=leaving)
        second = sync(info, role, db)

    shown = review(env, db, "show", campaign)
    done = item_of(shown, leaver["UserName"], "platform-admins")
    assert (done["decision"], done["remediation"], done["remediated_sync"]) == ("revoke", "remediated", second["sync_id"])
    assert item_of(shown, stayer["UserName"], "platform-admins")["decision"] == "keep"

    closed = review(env, db, "close", campaign)
    assert closed["status"] == "closed"
    late = run_roster(["review", "decide", campaign, str(kept["id"]), "keep", "--database-url", db], env)
    assert late.returncode != 0 and "closed" in late.stderr

    out = tmp_path / "review.zip"
    wrote = run_roster(["review", "export", campaign, "--out", str(out), "--database-url", db], env, check=0).stdout
    public_key = wrote.strip().rsplit(" ", 1)[-1]
    ok = roster_json(["evidence", "verify", str(out), "--public-key", public_key, "--json"], env)
    assert ok["status"] == "ok"
    assert set(ok["files"]) >= {"campaign.json", "population.csv", "decisions.csv", "decisions.json",
                                "verification.json", "review_report.html"}
    with zipfile.ZipFile(out) as z:
        files = {n: z.read(n) for n in z.namelist()}
    params = json.loads(files["campaign.json"])
    assert params["population"]["snapshot_sync_id"] == first["sync_id"]
    assert params["population"]["filter"]["privileged_only"] is True
    population = list(csv.DictReader(io.StringIO(files["population.csv"].decode())))
    assert len(population) == 2
    decisions = json.loads(files["decisions.json"])
    assert [d["verdict"] for d in decisions] == ["revoke", "keep"]
    assert decisions[0]["comment"] == "left the platform team" and decisions[0]["actor"].startswith("cli:")
    verification = json.loads(files["verification.json"])
    assert verification["check"]["id"] == "IDS-10" and verification["check"]["status"] == "pass"
    assert verification["revoked"][0]["remediated_by_sync"] == second["sync_id"]
    assert b"left the platform team" in files["review_report.html"]

    files["decisions.csv"] = files["decisions.csv"].replace(b"keep", b"kepp")
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(tampered, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    bad = run_roster(["evidence", "verify", str(tampered)], env)
    assert bad.returncode == 3 and "FAIL: decisions.csv: SHA-256" in bad.stderr


def test_revoked_access_still_present_after_the_window_is_overdue_and_fails_ids10(tmp_path):
    db = f"sqlite://{tmp_path / 'r.db'}"
    with fake_aws_process("--users", "10", "--groups", "3", "--memberships", "12", "--seed", "7") as info:
        role = fake_aws_create_role(info, "roster", READS + DISCOVERY)
        env = platform_env(info)
        sync(info, role, db)
        campaign = review(env, db, "create", "--remediation-days", "0", "--due", "2030-01-31")["id"]
        shown = review(env, db, "show", campaign)
        assert shown["due_at"].startswith("2030-01-31T23:59:59")
        first = shown["items"][0]["id"]
        review(env, db, "decide", campaign, str(first), "revoke", "--comment", "not needed")
        time.sleep(1.2)
        sync(info, role, db)  # the membership is still there

    shown = review(env, db, "show", campaign)
    item = next(i for i in shown["items"] if i["id"] == first)
    assert (item["decision"], item["remediation"]) == ("revoke", "overdue")
    check = review(env, db, "check")
    assert check["id"] == "IDS-10" and check["status"] == "fail"
    assert check["findings"][0]["id"] == f"{campaign}/{first}"


def test_hostile_and_foreign_input_is_refused(tmp_path):
    db = f"sqlite://{tmp_path / 'r.db'}"
    with fake_aws_process("--users", "5", "--groups", "2", "--memberships", "6", "--seed", "3") as info:
        role = fake_aws_create_role(info, "roster", READS + DISCOVERY)
        env = platform_env(info)
        sync(info, role, db)
    campaign = review(env, db, "create")["id"]
    for args, code in [
        (["create", "--scope", "everything"], 1),
        (["create", "--filter", "colour=red"], 1),
        (["create", "--due", "next tuesday"], 1),
        (["create", "--reviewer", "a\x01b"], 3),
        (["show", "rev_not-a-campaign"], 1),
        (["show", "rev_0000000000000000"], 3),
        (["decide", campaign, "1", "maybe"], 1),
        (["decide", campaign, "1,x", "keep"], 1),
        (["decide", campaign, "999", "keep"], 3),
        (["decide", campaign, "1", "revoke", "--comment", "x" * 5000], 1),
    ]:
        proc = run_roster(["review", *args, "--database-url", db], env)
        assert proc.returncode == code, (args, proc.returncode, proc.stderr)
    assert {i["decision"] for i in review(env, db, "show", campaign)["items"]} == {"undecided"}
