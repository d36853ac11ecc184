"""Load test of the console and API on a large directory (issue 7): starts
`roster fake-aws` with a 200k-user directory and `roster serve` on a fresh
SQLite file, connects and syncs it through the API, then runs `wrk` (Debian
package, installed if missing) with concurrent readers against the Users
page, user search and the users API. Prints one JSON line per target with
throughput and p50/p99 latency; asserts nothing. Loopback only.

    .venv/bin/python bench/load.py [--users 200000 --groups 100000 --memberships 1000000]
        [--roster PATH]   # another build (an A/B of two commits); skips `cargo build`
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import boto3
import requests

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RELEASE = os.path.join(REPO, "target", "release", "roster")
PASSWORD = "load-test-password-0123456789"


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_sync(api, url, timeout=3600):
    """Polls the source's syncs until one is complete; returns it (fails on a failed one)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        time.sleep(5)
        r = api.get(url)
        if r.status_code >= 500:
            # Builds before #16 could answer 500 while a large first sync
            # held the database (an A/B with --roster): ask again.
            print(json.dumps({"polling": r.status_code}), file=sys.stderr, flush=True)
            continue
        r.raise_for_status()
        body = r.json()
        runs = body if isinstance(body, list) else body.get("syncs", body.get("items", []))
        for run in runs:
            if run.get("status") == "complete":
                return run
            if run.get("status") == "failed":
                sys.exit(f"the worker's sync failed: {run}")
    sys.exit("no complete sync within the timeout")


def wait_for(pattern, stream):
    for _ in range(500):
        line = stream.readline()
        m = re.search(pattern, line)
        if m:
            return m
    raise SystemExit(f"not printed: {pattern}")


def wrk(url, headers, seconds, connections):
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for h in headers:
        cmd += ["-H", h]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    def ms(label):
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)", out, re.M)
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"requests_per_s": rps, "p50_ms": ms("50"), "p99_ms": ms("99"),
            "non_2xx": int(non2xx.group(1)) if non2xx else 0}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--users", default="200000")
    p.add_argument("--groups", default="100000")
    p.add_argument("--memberships", default="1000000")
    p.add_argument("--seconds", default="15")
    p.add_argument("--connections", default="16")
    p.add_argument("--roster", help="the roster binary to measure (default: this checkout's release build)")
    a = p.parse_args()
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL)
    roster = a.roster
    if roster is None:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
        roster = RELEASE
    tmp = tempfile.mkdtemp()
    fake = subprocess.Popen([roster, "fake-aws", "--listen", "127.0.0.1:0", "--users", a.users, "--groups", a.groups,
                             "--memberships", a.memberships, "--tps", "5000"], stdout=subprocess.PIPE, text=True)
    info = json.loads(fake.stdout.readline())
    plat, cust = info["platform"], info["customer"]
    env = dict(os.environ, AWS_ENDPOINT_URL=info["endpoint"], AWS_ACCESS_KEY_ID=plat["access_key_id"],
               AWS_SECRET_ACCESS_KEY=plat["secret_access_key"], AWS_REGION=cust["home_region"])
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    serve = subprocess.Popen([roster, "serve", "--listen", f"127.0.0.1:{port}", "--database-url",
                              f"sqlite://{tmp}/load.db"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True, env=env)
    try:
        token = wait_for(r"/setup/(\S+)", serve.stdout).group(1)
        s = requests.Session()
        s.post(f"{base}/setup/{token}", data={"email": "load@example.com", "password": PASSWORD}).raise_for_status()
        cookie = s.cookies["roster_session"]
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', s.get(f"{base}/sources").text).group(1)
        s.headers["x-csrf-token"] = csrf
        api_token = s.post(f"{base}/api/v1/tokens", json={"name": "load"}).json()["secret"]
        api = requests.Session()
        api.headers["Authorization"] = f"Bearer {api_token}"
        source = api.post(f"{base}/api/v1/sources", json={"kind": "aws-identity-store"}).json()["id"]
        setup = api.get(f"{base}/api/v1/sources/{source}/setup").json()
        iam = boto3.client("iam", endpoint_url=info["endpoint"], region_name=cust["home_region"],
                           aws_access_key_id=cust["admin_access_key_id"],
                           aws_secret_access_key=cust["admin_secret_access_key"])
        arn = iam.create_role(RoleName="roster-load", AssumeRolePolicyDocument=setup["trust_policy"])["Role"]["Arn"]
        iam.put_role_policy(RoleName="roster-load", PolicyName="roster", PolicyDocument=setup["permissions_policy"])
        # The console's worker syncs the source when it connects; a raised
        # quota (the most the API accepts) lets that sync fill it. A second,
        # concurrent `roster sync` of the same source would supersede it.
        api.put(f"{base}/api/v1/sources/{source}/schedule",
                json={"interval_hours": 720, "api_tps": 1000}).raise_for_status()
        started = time.time()
        api.post(f"{base}/api/v1/sources/{source}/connect", json={"role_arn": arn}).raise_for_status()
        synced = wait_for_sync(api, f"{base}/api/v1/sources/{source}/syncs")
        print(json.dumps({"synced": synced, "sync_s": round(time.time() - started, 1)}), flush=True)
        cookie_h = [f"Cookie: roster_session={cookie}"]
        bearer_h = [f"Authorization: Bearer {api_token}"]
        targets = [
            ("users page", f"{base}/users?source={source}", cookie_h),
            ("user search", f"{base}/users?source={source}&q=smith", cookie_h),
            ("users API", f"{base}/api/v1/sources/{source}/users", bearer_h),
        ]
        for name, url, headers in targets:
            print(json.dumps({"target": name, "connections": int(a.connections),
                              **wrk(url, headers, a.seconds, a.connections)}), flush=True)
    finally:
        serve.terminate()
        fake.terminate()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
