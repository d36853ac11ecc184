"""No secret ever reaches a log line: `roster serve` runs with
`ROSTER_LOG=debug` and JSON logs against fake-aws, through the real flows —
first-admin setup link, sign-in with a password, session cookie, API token
creation and use, an invitation link, a connection test with an External
ID, a sync on AssumeRole session credentials, the operator tokens — and its
whole stderr is searched for every one of those secrets."""

import json
import re
import subprocess
import time

import requests

from fake_aws_fixtures import fake_aws_admin, fake_aws_process
from roster_fixtures import aws_env, free_port, roster_bin

PASSWORD = "correct-horse-battery-staple-42"
ADMIN_TOKEN = "instance-admin-token-7f3a9c"
METRICS_TOKEN = "metrics-token-51be0d"


def read_until(stream, pattern, limit=200):
    lines = []
    for _ in range(limit):
        line = stream.readline()
        if not line:
            break
        lines.append(line)
        m = re.search(pattern, line)
        if m:
            return m
    raise AssertionError("not printed: " + pattern + "\n" + "".join(lines))


def test_debug_logs_carry_ids_but_no_secret(tmp_path):
    with fake_aws_process() as info:
        platform = info["platform"]
        env = aws_env(info["endpoint"], platform["access_key_id"], platform["secret_access_key"],
                      info["customer"]["home_region"])
        env.update(ROSTER_LOG="debug", ROSTER_LOG_FORMAT="json", ROSTER_ADMIN_TOKEN=ADMIN_TOKEN,
                   ROSTER_METRICS_TOKEN=METRICS_TOKEN)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        stderr = open(tmp_path / "stderr.log", "w")
        proc = subprocess.Popen(
            [roster_bin(), "serve", "--listen", f"127.0.0.1:{port}", "--database-url", f"sqlite://{tmp_path / 'r.db'}"],
            stdout=subprocess.PIPE, stderr=stderr, text=True, env=env)
        secrets = [PASSWORD, ADMIN_TOKEN, METRICS_TOKEN, platform["secret_access_key"],
                   info["customer"]["admin_secret_access_key"]]
        try:
            setup_token = read_until(proc.stdout, r"/setup/(\S+)").group(1)
            secrets.append(setup_token)
            s = requests.Session()
            r = s.post(f"{base}/setup/{setup_token}", data={"email": "admin@example.com", "password": PASSWORD})
            assert r.status_code == 200, r.text
            secrets.append(s.cookies["roster_session"])
            # Sign out and in again with the password.
            csrf = re.search(r'name="csrf-token" content="([^"]+)"', s.get(f"{base}/sources").text).group(1)
            secrets.append(csrf)
            s.post(f"{base}/signout", data={"csrf": csrf})
            form = s.get(f"{base}/signin").text
            signin_csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
            secrets.append(signin_csrf)
            r = s.post(f"{base}/signin", data={"csrf": signin_csrf, "email": "admin@example.com", "password": PASSWORD})
            assert r.status_code == 200 and "/sources" in r.url, r.text
            secrets.append(s.cookies["roster_session"])
            csrf = re.search(r'name="csrf-token" content="([^"]+)"', s.get(f"{base}/sources").text).group(1)
            secrets.append(csrf)
            s.headers["x-csrf-token"] = csrf

            r = s.post(f"{base}/api/v1/tokens", json={"name": "ci"})
            assert r.status_code == 201, r.text
            token = r.json()["secret"]
            secrets.append(token)
            api = requests.Session()
            api.headers["Authorization"] = f"Bearer {token}"
            assert api.get(f"{base}/api/v1/me").status_code == 200

            r = api.post(f"{base}/api/v1/invitations", json={"email": "auditor@example.com", "role": "auditor"})
            assert r.status_code == 201, r.text
            secrets.append(r.json()["link"].rsplit("/", 1)[1])
            invited = requests.Session()
            link = r.json()["link"]
            invite_csrf = re.search(r'name="csrf" value="([^"]+)"', invited.get(base + link).text).group(1)
            secrets.append(invite_csrf)
            r = invited.post(base + link, data={"csrf": invite_csrf, "password": PASSWORD + "-auditor"})
            assert r.status_code == 200, r.text
            secrets.append(PASSWORD + "-auditor")

            r = requests.post(f"{base}/api/v1/admin/tenants", json={"id": "acme", "name": "Acme"},
                              headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
            assert r.status_code == 201, r.text
            assert requests.get(f"{base}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}).ok

            r = api.post(f"{base}/api/v1/sources", json={"kind": "aws-identity-store"})
            assert r.status_code == 201, r.text
            source = r.json()["id"]
            setup = api.get(f"{base}/api/v1/sources/{source}/setup").json()
            secrets.append(setup["external_id"])
            iam = fake_aws_admin(info, "iam")
            arn = iam.create_role(RoleName="roster-logs", AssumeRolePolicyDocument=setup["trust_policy"])["Role"]["Arn"]
            iam.put_role_policy(RoleName="roster-logs", PolicyName="roster", PolicyDocument=setup["permissions_policy"])
            r = api.post(f"{base}/api/v1/sources/{source}/connect", json={"role_arn": arn})
            assert r.status_code == 200 and r.json()["status"] == "connected", r.text
            r = api.post(f"{base}/api/v1/sources/{source}/sync")
            assert r.status_code == 202, r.text
            deadline = time.time() + 120
            while time.time() < deadline:
                syncs = api.get(f"{base}/api/v1/sources/{source}/syncs").json()
                if any(x.get("status") == "complete" for x in syncs):
                    break
                time.sleep(0.5)
            else:
                raise AssertionError(f"no complete sync: {syncs}")
            metrics = requests.get(f"{base}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}).text
            assert 'roster_syncs_total{outcome="complete",code=""}' in metrics, metrics
        finally:
            proc.terminate()
            proc.wait(timeout=30)
            stderr.close()
    log = (tmp_path / "stderr.log").read_text()
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert len(lines) > 50, log[:2000]
    # The spans carry the IDs: requests, jobs and syncs.
    assert '"request_id"' in log and '"job_id"' in log and '"sync_id"' in log and '"source_id"' in log
    leaked = [s for s in secrets if s and s in log]
    assert not leaked, f"secrets in the log: {[s[:6] + '…' for s in leaked]}"
    # Session credentials fake-aws issued to roster (AssumeRole): key ID and token shapes.
    assert not re.search(r"ASIA[A-Z2-7]{16}", log)
    assert "IQoJb3JpZ2luX2VjE" not in log
