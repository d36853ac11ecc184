"""Helpers for black-box tests of the `roster` binary: finding it, running
it with AWS settings in the environment, and starting moto on a free port."""

import contextlib
import json
import os
import pathlib
import socket
import subprocess
import time
import urllib.request

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]


def roster_bin():
    path = os.environ.get("ROSTER_BIN") or str(REPO / "target" / "debug" / "roster")
    if not pathlib.Path(path).exists():
        pytest.fail(f"roster binary not found at {path}: build it or set ROSTER_BIN")
    return path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def aws_env(endpoint, access_key, secret_key, region="us-east-1"):
    """The environment of a roster process pointed at an emulator; nothing else from AWS leaks in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID=access_key,
        AWS_SECRET_ACCESS_KEY=secret_key,
        AWS_REGION=region,
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE="/nonexistent",
        AWS_SHARED_CREDENTIALS_FILE="/nonexistent",
    )
    return env


def run_roster(args, env, timeout=300, check=None):
    """Runs roster; `check` is the expected exit code (asserted) if given."""
    proc = subprocess.run([roster_bin(), *args], env=env, capture_output=True, text=True, timeout=timeout)
    if check is not None:
        assert proc.returncode == check, f"exit {proc.returncode}\nstdout: {proc.stdout}\nstderr: {proc.stderr}"
    return proc


def roster_json(args, env, timeout=300):
    proc = run_roster(args, env, timeout=timeout, check=0)
    return json.loads(proc.stdout)


def moto_server_path():
    path = os.environ.get("ROSTER_MOTO_SERVER") or str(REPO / ".venv" / "bin" / "moto_server")
    if not pathlib.Path(path).exists():
        pytest.fail(f"moto_server not found at {path}: run the test command (scripts/test) or set ROSTER_MOTO_SERVER")
    return path


@contextlib.contextmanager
def moto(extra_env=None):
    """A moto server on a free loopback port; yields its endpoint URL."""
    port = free_port()
    env = dict(os.environ, **(extra_env or {}))
    proc = subprocess.Popen(
        [moto_server_path(), "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(endpoint + "/moto-api/", timeout=1)
                break
            except Exception:
                if time.time() > deadline or proc.poll() is not None:
                    pytest.fail("moto server did not start")
                time.sleep(0.2)
        yield endpoint
    finally:
        proc.terminate()
        proc.wait(timeout=10)
