"""`roster access list` as a black box against `roster fake-aws`: an
organization built with boto3 (sso_scene.py), synced with
`roster sync --scope all` through the role `roster source create --kind
aws-sso` asks for, lists exactly the effective-access table computed here
from the scene — as JSON, CSV and a table, with every filter — and a
change in the organization shows up after the next sync. Hostile
arguments are refused cleanly, and a source without access says how to
get it."""

import csv
import io
import json

import pytest

from fake_aws_fixtures import EXTERNAL_ID, fake_aws_create_role, fake_aws_process
from roster_fixtures import roster_json, run_roster
from sso_scene import Scene, comparable, csv_cell, platform_env

ORG = ("--member-accounts", "3", "--users", "12", "--groups", "3", "--memberships", "15", "--tps", "10000")


@pytest.fixture(scope="module")
def synced(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sso")
    db = f"sqlite://{tmp / 'r.db'}"
    with fake_aws_process(*ORG) as info:
        scene = Scene(info)
        principals = scene.build()
        role, external_id = scene.role(f"sqlite://{tmp / 'scratch.db'}")
        env = platform_env(info)
        sync = roster_json(["sync", "--role-arn", role, "--external-id", external_id, "--scope", "all",
                            "--database-url", db, "--json"], env)
        yield {"scene": scene, "p": principals, "db": db, "env": env, "role": role,
               "external_id": external_id, "sync": sync, "tmp": tmp}


def access(synced, *args, fmt="json"):
    proc = run_roster(["access", "list", "--format", fmt, "--database-url", synced["db"], *args], synced["env"], check=0)
    return json.loads(proc.stdout) if fmt == "json" else proc.stdout


def test_access_list_is_exactly_the_table_computed_from_the_scene(synced):
    scene = synced["scene"]
    want = scene.expected()
    got = access(synced)
    assert comparable(got) == want
    # What the scene was built to contain is really there.
    p = synced["p"]
    assert any(r["orphaned"] and r["user_id"] == p["eve"] for r in got), "the deleted user's assignment is kept"
    assert any(r["orphaned"] and r["user_id"] is None and r["via"] == p["temp"] for r in got), "the deleted group's"
    assert any(r["user_disabled"] and r["user_id"] == p["dan"] for r in got)
    cy = [r for r in got if r["user_id"] == p["cy"] and r["permission_set_name"] == "ReadOnly"]
    assert sorted(r["via"] for r in cy) == ["developers", "direct"], "one row per path"
    per_account = {}
    for r in got:
        per_account.setdefault(r["account_id"], set()).add(r["permission_set_name"])
    assert max(len(s) for s in per_account.values()) >= 3, "several permission sets on one account"
    assert not any(r["permission_set_name"] == "Unused" for r in got), "provisioned, unassigned: no access"
    assert {r["via"] for r in got if r["via_group_id"] == p["admins"]} == {"=platform-admins"}
    assert all(r["account_name"] for r in got), "account names come from Organizations"


def test_filters_select_exactly_the_matching_rows(synced):
    want = synced["scene"].expected()
    p = synced["p"]
    a0 = synced["scene"].members[0]
    admin_arn = synced["scene"].arns["AdministratorAccess"]
    cases = {
        ("--user", "ada"): lambda r: r["user_id"] == p["ada"],
        ("--user", p["bob"]): lambda r: r["user_id"] == p["bob"],
        ("--account", a0): lambda r: r["account_id"] == a0,
        ("--permission-set", "ReadOnly"): lambda r: r["permission_set_name"] == "ReadOnly",
        ("--permission-set", admin_arn): lambda r: r["permission_set_arn"] == admin_arn,
        ("--privileged",): lambda r: r["privileged"],
        ("--direct",): lambda r: r["via"] == "direct",
        ("--orphaned",): lambda r: r["orphaned"],
        ("--privileged", "--account", a0): lambda r: r["privileged"] and r["account_id"] == a0,
        ("--group", p["devs"]): lambda r: r["via_group_id"] == p["devs"],
        ("--search", "DEVELOPERS"): lambda r: any("developers" in (v or "").lower() for v in (
            r["user_name"], r["account_id"], r["account_name"], r["permission_set_name"],
            r["via"] if r["via_group_id"] else None)),
    }
    for args, keep in cases.items():
        expected = [r for r in want if keep(r)]
        assert expected, f"{args} selects nothing in the scene: a vacuous case"
        assert comparable(access(synced, *args)) == expected, args
    assert access(synced, "--user", "nobody-at-all") == []
    for wildcard in ("%", "_", "*"):
        assert access(synced, "--search", wildcard) == [], f"{wildcard} is a character, not a pattern"


def test_csv_and_table_carry_the_same_rows(synced):
    want = synced["scene"].expected()
    text = access(synced, fmt="csv")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    assert header == ["user_id", "user_name", "account_id", "account_name", "permission_set_arn",
                      "permission_set_name", "via", "via_group_id", "privileged", "orphaned", "user_disabled"]
    assert rows[1:] == [[csv_cell(r[k]) for k in header] for r in want]
    assert any(r[6] == "'=platform-admins" for r in rows[1:]), "formulas are neutralised"

    table = access(synced, fmt="table").splitlines()
    assert table[0].split() == ["User", "Account", "AccountName", "PermissionSet", "Via", "Flags"]
    assert len(table) == len(want) + 1
    ada_admin = [line for line in table if line.startswith("ada ") and "DatabaseAdmin" in line]
    assert len(ada_admin) == 1 and "privileged" in ada_admin[0]
    assert any("orphaned" in line for line in table)


def test_a_change_in_the_organization_shows_after_the_next_sync(synced):
    scene, p = synced["scene"], synced["p"]
    a0, a1 = scene.members[:2]
    before = access(synced)
    scene.assign(a1, "BreakGlass", "USER", p["bob"])
    scene.unassign(a0, "ReadOnly", "GROUP", p["devs"])
    roster_json(["sync", "--role-arn", synced["role"], "--external-id", synced["external_id"],
                          "--scope", "all", "--database-url", synced["db"], "--json"], synced["env"])
    want = scene.expected()
    got = access(synced)
    assert comparable(got) == want
    key = lambda r: (r["user_id"], r["account_id"], r["permission_set_arn"], r["via_group_id"])
    gained = {key(r) for r in got} - {key(r) for r in before}
    lost = {key(r) for r in before} - {key(r) for r in got}
    assert gained == {(p["bob"], a1, scene.arns["BreakGlass"], None)}
    assert lost == {(uid, a0, scene.arns["ReadOnly"], p["devs"]) for uid in (p["bob"], p["cy"], p["dan"])}


def test_hostile_arguments_are_refused_cleanly(synced):
    db, env = synced["db"], synced["env"]
    for args in (["--user", "x" * 5000], ["--account", "12345"], ["--account", "1234567890ab"],
                 ["--permission-set", "a\x07b"], ["--search", "line\nbreak"], ["--user", " "]):
        proc = run_roster(["access", "list", "--database-url", db, *args], env)
        assert proc.returncode == 1, (args, proc.returncode, proc.stderr)
        assert proc.stderr.startswith("error: ") and "panicked" not in proc.stderr
        assert proc.stdout == ""
    # A NUL cannot even reach roster: the operating system's argv cannot carry one.
    with pytest.raises(ValueError):
        run_roster(["access", "list", "--user", "a\x00b", "--database-url", db], env)
    proc = run_roster(["access", "list", "--sync", "999999", "--database-url", db], env)
    assert proc.returncode != 0 and "panicked" not in proc.stderr


def test_a_source_without_access_says_how_to_collect_it(tmp_path):
    db = f"sqlite://{tmp_path / 'dir.db'}"
    with fake_aws_process("--users", "5", "--groups", "2", "--memberships", "4") as info:
        reads = ["identitystore:ListUsers", "identitystore:ListGroups", "identitystore:ListGroupMemberships",
                 "sso:ListInstances", "sso:ListRegions"]
        role = fake_aws_create_role(info, "roster-dir", reads)
        env = platform_env(info)
        roster_json(["sync", "--role-arn", role, "--external-id", EXTERNAL_ID, "--database-url", db, "--json"], env)
    proc = run_roster(["access", "list", "--database-url", db], env)
    assert proc.returncode == 3, proc.stderr
    assert "no access snapshot" in proc.stderr and "roster sync --scope access" in proc.stderr
    proc = run_roster(["access", "list", "--format", "json", "--database-url", db], env)
    assert json.loads(proc.stdout)["status"] == "failed"
    checks = roster_json(["check", "--format", "json", "--database-url", db], env)
    assert not any(c["id"].startswith("ACC-") for c in checks["checks"]), "no ACC- checks without access data"


def test_a_user_name_with_a_nul_byte_survives_every_format(tmp_path):
    """The directory may hold what AWS accepts: a NUL inside a user name. The
    access list keeps the row; JSON carries the name, CSV and the table stay
    parseable and print no raw NUL."""
    db = f"sqlite://{tmp_path / 'nul.db'}"
    with fake_aws_process("--member-accounts", "1", "--users", "3", "--groups", "1", "--memberships", "2",
                          "--tps", "10000") as info:
        scene = Scene(info)
        uid = scene.user("nul\x00user")
        gid = scene.group("=nul-group", [uid])
        scene.permission_set("ReadOnly")
        scene.assign(scene.members[0], "ReadOnly", "GROUP", gid)
        scene.assign(scene.members[0], "ReadOnly", "USER", uid)
        role, external_id = scene.role(f"sqlite://{tmp_path / 'scratch.db'}")
        env = platform_env(info)
        roster_json(["sync", "--role-arn", role, "--external-id", external_id, "--scope", "all",
                     "--database-url", db, "--json"], env)
    base = ["access", "list", "--database-url", db, "--user", uid]
    rows = json.loads(run_roster([*base, "--format", "json"], env, check=0).stdout)
    assert sorted(r["via"] for r in rows) == ["=nul-group", "direct"]
    assert all(r["user_name"] in ("nul\x00user", "nul\ufffduser") for r in rows), rows
    text = run_roster([*base, "--format", "csv"], env, check=0).stdout
    parsed = list(csv.reader(io.StringIO(text.replace("\x00", ""))))
    assert len(parsed) == 3 and parsed[1][1].startswith("nul")
    table = run_roster([*base, "--format", "table"], env, check=0).stdout
    assert "\x00" not in table and len(table.splitlines()) == 3
