"""Helpers of the hostile-client suite (`test_hostile_*.py`): start
`roster serve` on a fresh database, create the first admin through its
one-time setup link, sign people in as a browser does, invite and accept,
and read the server's memory from the outside (`/proc/<pid>/status`)."""

import contextlib
import os
import queue
import re
import select
import socket
import subprocess
import threading
import time
import uuid

import pytest
import requests

from roster_fixtures import free_port, roster_bin

PASSWORD = "correct-horse-battery-staple-42"
ADMIN_EMAIL = "admin@example.com"
ADMIN_TOKEN = "hostile-operator-token-5c1d"
PRINCIPAL = "arn:aws:iam::111122223333:role/roster-platform"
PG = os.environ.get("ROSTER_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/test")


def proc_status_kb(pid, field):
    """A `/proc/<pid>/status` memory field (VmHWM: peak RSS, VmRSS: now) in KiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(f"{field} not in /proc/{pid}/status")


def base_env():
    """roster's environment with a fixed principal: no AWS call at start."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(ROSTER_PRINCIPAL_ARN=PRINCIPAL, AWS_EC2_METADATA_DISABLED="true",
               AWS_CONFIG_FILE="/nonexistent", AWS_SHARED_CREDENTIALS_FILE="/nonexistent",
               AWS_REGION="us-east-1", ROSTER_ADMIN_TOKEN=ADMIN_TOKEN)
    return env


def read_line_matching(stream, pattern, timeout=60):
    """The first line of `stream` matching `pattern`; a thread keeps reading
    (and discarding) the rest, so the process never blocks on a full pipe."""
    lines = queue.Queue()

    def pump():
        for line in stream:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.time() + timeout
    seen = []
    while time.time() < deadline:
        try:
            line = lines.get(timeout=max(0.01, deadline - time.time()))
        except queue.Empty:
            break
        if line is None:
            break
        seen.append(line)
        m = re.search(pattern, line)
        if m:
            return m
    raise AssertionError(f"not printed within {timeout}s: {pattern}\n{''.join(seen)}")


def page_csrf(session, base):
    page = session.get(f"{base}/sources")
    assert page.status_code == 200, page.text[:500]
    return re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)


def signin_csrf(session, base):
    form = session.get(f"{base}/signin")
    return re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)


def sign_in(base, email, password, session=None):
    """A browser's sign-in: the form (its CSRF cookie and field), then the post."""
    s = session or requests.Session()
    csrf = signin_csrf(s, base)
    r = s.post(f"{base}/signin", data={"csrf": csrf, "email": email, "password": password},
               allow_redirects=False, timeout=120)
    return s, r


def accept_invitation(base, link, password):
    """Opens the invitation page and submits it with the page's own CSRF field, if any."""
    s = requests.Session()
    page = s.get(base + link)
    assert page.status_code == 200, page.text[:500]
    data = {"password": password}
    m = re.search(r'name="csrf" value="([^"]+)"', page.text)
    if m:
        data["csrf"] = m.group(1)
    r = s.post(base + link, data=data, timeout=120)
    return s, r


class Console:
    """A running `roster serve`, its first admin signed in (session + API token)."""

    def __init__(self, proc, base, tmp):
        self.proc, self.base, self.tmp = proc, base, tmp
        self.session = requests.Session()
        self.api = requests.Session()

    @property
    def pid(self):
        return self.proc.pid

    def peak_rss_kb(self):
        return proc_status_kb(self.pid, "VmHWM")

    def rss_kb(self):
        return proc_status_kb(self.pid, "VmRSS")

    def reset_peak_kb(self):
        """Resets the peak (VmHWM) to the current RSS, so a later peak is this
        request's, not start-up's; returns the RSS it starts from."""
        try:
            with open(f"/proc/{self.pid}/clear_refs", "w") as f:
                f.write("5")
        except OSError:
            pass  # not permitted here: the peak then includes start-up, a stricter baseline
        return self.peak_rss_kb()

    def url(self, path):
        return self.base + path

    def operator(self):
        return {"Authorization": f"Bearer {ADMIN_TOKEN}"}

    def invite(self, email, role="auditor", api=None):
        r = (api or self.api).post(self.url("/api/v1/invitations"), json={"email": email, "role": role})
        return r

    def new_member(self, email, role="auditor", password=PASSWORD + "-member"):
        """Invites `email` into the admin's tenant and accepts: a signed-in session with its CSRF header."""
        r = self.invite(email, role)
        assert r.status_code == 201, r.text
        s, accepted = accept_invitation(self.base, r.json()["link"], password)
        assert accepted.status_code == 200, accepted.text[:500]
        s.headers["x-csrf-token"] = page_csrf(s, self.base)
        return s

    def token_for(self, session, name="hostile"):
        r = session.post(self.url("/api/v1/tokens"), json={"name": name})
        assert r.status_code == 201, r.text
        api = requests.Session()
        api.headers["Authorization"] = f"Bearer {r.json()['secret']}"
        return api

    def new_source(self, name=None):
        body = {"kind": "aws-identity-store"}
        if name:
            body["name"] = name
        r = self.api.post(self.url("/api/v1/sources"), json=body)
        assert r.status_code == 201, r.text
        return r.json()["id"]


def start_serve(tmp_path, database_url, env=None, extra_args=()):
    port = free_port()
    stderr = open(tmp_path / f"serve-{port}.log", "w")
    proc = subprocess.Popen(
        [roster_bin(), "serve", "--listen", f"127.0.0.1:{port}", "--database-url", database_url, *extra_args],
        stdout=subprocess.PIPE, stderr=stderr, text=True, env=env or base_env())
    return proc, port, stderr


@contextlib.contextmanager
def console(tmp_path, database_url=None, env=None):
    """`roster serve` on a fresh database with its first admin created and signed in."""
    url = database_url or f"sqlite://{tmp_path / 'hostile.db'}"
    proc, port, stderr = start_serve(tmp_path, url, env)
    base = f"http://127.0.0.1:{port}"
    c = Console(proc, base, tmp_path)
    try:
        setup = read_line_matching(proc.stdout, r"(/setup/\S+)").group(1)
        r = c.session.post(base + setup, data={"email": ADMIN_EMAIL, "password": PASSWORD})
        assert r.status_code == 200, r.text[:500]
        c.session.headers["x-csrf-token"] = page_csrf(c.session, base)
        c.api = c.token_for(c.session, "admin")
        yield c
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        stderr.close()


def psql(db_url, sql):
    out = subprocess.run(["psql", db_url, "-At", "-c", sql], capture_output=True, text=True, check=True)
    return out.stdout


@contextlib.contextmanager
def postgres_database():
    """A fresh, empty PostgreSQL database; its URL."""
    name = f"roster_hostile_{uuid.uuid4().hex[:12]}"
    psql(PG, f"CREATE DATABASE {name}")
    try:
        yield PG.rsplit("/", 1)[0] + "/" + name
    finally:
        psql(PG, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def raw_request(port, head, body_chunks=(), timeout=30):
    """Sends `head` (and body chunks) on a raw socket and returns the status
    line's code and the response bytes; stops sending as soon as the server
    answers (a server that refuses early must not need the whole body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(head)
        answered = False
        for chunk in body_chunks:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                answered = True
                break
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                answered = True
                break
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                part = sock.recv(65536)
                if not part:
                    break
                data += part
        except (ConnectionResetError, socket.timeout):
            pass
    if not data.startswith(b"HTTP/1.1 "):
        pytest.fail(f"no HTTP answer (answered early: {answered}): {data[:200]!r}")
    return int(data.split(b" ", 2)[1]), data


@contextlib.contextmanager
def synced_console(tmp_path, database_url=None, fake_aws_args=(), before_sync=None):
    """A console (first admin signed in) whose one source is connected to a
    fake-aws directory through a real role (not synced yet); yields
    `(console, source_id, fake_aws_info)`. `before_sync(info)` may write to
    the directory first."""
    from fake_aws_fixtures import fake_aws_admin, fake_aws_process
    from roster_fixtures import aws_env

    with fake_aws_process(*fake_aws_args) as info:
        p = info["platform"]
        env = aws_env(info["endpoint"], p["access_key_id"], p["secret_access_key"], info["customer"]["home_region"])
        env["ROSTER_ADMIN_TOKEN"] = ADMIN_TOKEN
        if before_sync:
            before_sync(info)
        with console(tmp_path, database_url=database_url, env=env) as c:
            source = c.new_source("hostile directory")
            setup = c.api.get(c.url(f"/api/v1/sources/{source}/setup")).json()
            iam = fake_aws_admin(info, "iam")
            role = f"roster-{uuid.uuid4().hex[:8]}"
            arn = iam.create_role(RoleName=role, AssumeRolePolicyDocument=setup["trust_policy"])["Role"]["Arn"]
            iam.put_role_policy(RoleName=role, PolicyName="roster", PolicyDocument=setup["permissions_policy"])
            r = c.api.post(c.url(f"/api/v1/sources/{source}/connect"), json={"role_arn": arn})
            assert r.status_code == 200 and r.json()["status"] == "connected", r.text
            yield c, source, info


def wait_for_sync(c, source, timeout=90):
    """The newest finished sync of `source` (complete or failed)."""
    deadline = time.time() + timeout
    syncs = []
    while time.time() < deadline:
        syncs = c.api.get(c.url(f"/api/v1/sources/{source}/syncs")).json()
        done = [s for s in syncs if s.get("status") in ("complete", "failed")]
        if done:
            return done[0]
        time.sleep(0.5)
    raise AssertionError(f"no finished sync: {syncs}")
