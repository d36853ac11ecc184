"""A sync's own cost, fake-aws out of process (issue 16): starts `roster
fake-aws` with a directory of the given size and a `collective` quota, runs
`roster sync` into a fresh SQLite file (or --database-url) at that quota, and
prints one JSON line: the sync's wall time over its quota floor, its peak RSS
(the `roster sync` process alone), the file's bytes and whether
the counts are exact. `roster bench sync` runs fake-aws in the same process,
so its peak RSS includes the emulated directory. Asserts nothing.

    .venv/bin/python bench/sync_rss.py [--roster target/release/roster]
        [--users 200000 --groups 100000 --memberships 1000000 --tps 2000]
"""

import argparse
import json
import os
import pathlib
import resource
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "py"))

from fake_aws_fixtures import EXTERNAL_ID, fake_aws_create_role, fake_aws_process  # noqa: E402

READS = ["identitystore:ListUsers", "identitystore:ListGroups", "identitystore:ListGroupMemberships",
         "sso:ListInstances", "sso:ListRegions"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--roster", default=str(REPO / "target" / "release" / "roster"))
    p.add_argument("--users", default="200000")
    p.add_argument("--groups", default="100000")
    p.add_argument("--memberships", default="1000000")
    p.add_argument("--tps", default="2000")
    p.add_argument("--database-url")
    p.add_argument("--log", default="warn", help="ROSTER_LOG of the sync (its log goes to stderr)")
    a = p.parse_args()
    os.environ["ROSTER_BIN"] = a.roster
    tmp = tempfile.mkdtemp()
    db_path = os.path.join(tmp, "sync.db")
    url = a.database_url or f"sqlite://{db_path}"
    with fake_aws_process("--users", a.users, "--groups", a.groups, "--memberships", a.memberships,
                          "--tps", a.tps, "--quota-model", "collective", timeout=600) as info:
        role = fake_aws_create_role(info, "roster-bench", READS)
        plat, cust = info["platform"], info["customer"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_ENDPOINT_URL=info["endpoint"], AWS_ACCESS_KEY_ID=plat["access_key_id"],
                   AWS_SECRET_ACCESS_KEY=plat["secret_access_key"], AWS_REGION=cust["home_region"],
                   ROSTER_LOG=a.log)
        cmd = [a.roster, "sync", "--role-arn", role, "--external-id", EXTERNAL_ID, "--tps", a.tps,
               "--quota-model", "collective", "--database-url", url, "--json"]
        started = time.monotonic()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        out, err = proc.communicate()
        wall = time.monotonic() - started
        # The only child waited for so far: fake-aws is still running.
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if proc.returncode != 0:
            sys.exit(f"roster sync failed ({proc.returncode}): {err[-2000:]}")
        sys.stderr.write(err)
    synced = json.loads(out)
    print(json.dumps({
        "users": synced["users"], "groups": synced["groups"], "memberships": synced["memberships"],
        "counts_exact": [synced["users"], synced["groups"], synced["memberships"]]
        == [int(a.users), int(a.groups), int(a.memberships)],
        "floor_s": synced["floor_s"], "wall_s": round(wall, 1),
        "ratio": round(wall / synced["floor_s"], 3),
        "sync_peak_rss_mb": round(peak_kb / 1024),
        "db_bytes": os.path.getsize(db_path) if not a.database_url else None,
    }), flush=True)


if __name__ == "__main__":
    main()
