"""Sign-in and identities under attack (#13 items 3, 5, 6 and the one-time
link of 9): a concurrent password-guessing flood is held to the limit and
does not stall the server; invitation acceptance needs its CSRF token; one
tenant's invitations reveal nothing about another's people, and an address
with accounts in two tenants signs in to the one its password opens."""

import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from hostile_fixtures import (ADMIN_EMAIL, PASSWORD, accept_invitation, console, page_csrf,
                              sign_in, signin_csrf)

LIMIT = 5  # sign-in attempts per account per window (auth/ratelimit.rs)


@pytest.fixture(scope="module")
def c(tmp_path_factory):
    with console(tmp_path_factory.mktemp("signin")) as running:
        yield running


def test_a_concurrent_guessing_flood_is_held_to_the_limit(c):
    email = "flooded@example.com"
    c.new_member(email, role="admin", password=PASSWORD + "-flooded")
    # Fifty browsers, each with its sign-in form loaded, post at once.
    browsers = []
    for _ in range(50):
        s = requests.Session()
        browsers.append((s, signin_csrf(s, c.base)))
    latencies, stop = [], threading.Event()

    def probe():
        while not stop.is_set():
            started = time.monotonic()
            assert requests.get(c.url("/healthz"), timeout=30).status_code == 200
            latencies.append(time.monotonic() - started)
            time.sleep(0.02)

    def guess(i):
        s, csrf = browsers[i]
        return s.post(c.url("/signin"), data={"csrf": csrf, "email": email, "password": f"wrong-guess-{i:04d}"},
                      allow_redirects=False, timeout=120).status_code

    prober = threading.Thread(target=probe)
    prober.start()
    started = time.monotonic()
    try:
        with ThreadPoolExecutor(max_workers=50) as pool:
            statuses = list(pool.map(guess, range(50)))
    finally:
        stop.set()
        prober.join()
    flood = time.monotonic() - started
    checked = statuses.count(401)
    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) >= 2 else max(latencies)
    print(f"sign-in flood: {checked} checked, {statuses.count(429)} refused in {flood:.1f}s; "
          f"/healthz p95 {p95 * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms over {len(latencies)} probes")
    assert set(statuses) <= {401, 429}, statuses
    assert checked <= LIMIT, f"{checked} wrong passwords were checked"
    assert statuses.count(429) >= 50 - LIMIT
    # The right password is refused while the account is locked.
    _, r = sign_in(c.base, email, PASSWORD + "-flooded")
    assert r.status_code == 429, r.status_code
    assert max(latencies) < 2.0, f"/healthz took {max(latencies):.2f}s during the flood"


def test_invitation_acceptance_needs_its_csrf_token(c):
    r = c.invite("csrf-victim@example.com")
    assert r.status_code == 201, r.text
    link = r.json()["link"]
    # A cross-site form posts only the password: no cookie of the page, no token.
    forged = requests.post(c.url(link), data={"password": "attacker-chosen-password-1"}, allow_redirects=False)
    assert forged.status_code == 403, forged.status_code
    assert "roster_session" not in forged.cookies
    s, accepted = accept_invitation(c.base, link, "the-invitees-own-password")
    assert accepted.status_code == 200


def operator_invite(c, tenant, email, role="admin"):
    return requests.post(c.url(f"/api/v1/admin/tenants/{tenant}/invitations"), headers=c.operator(),
                         json={"email": email, "role": role})


def new_tenant(c, tenant):
    r = requests.post(c.url("/api/v1/admin/tenants"), headers=c.operator(), json={"id": tenant, "name": tenant})
    assert r.status_code == 201, r.text


def test_inviting_an_address_of_another_tenant_reveals_nothing(c):
    new_tenant(c, "othercorp")
    r = operator_invite(c, "othercorp", "boss@othercorp.example")
    assert r.status_code == 201, r.text
    boss, accepted = accept_invitation(c.base, r.json()["link"], "othercorp-boss-password")
    assert accepted.status_code == 200
    # The default tenant invites the other tenant's admin: no 409, no hint.
    mine = c.invite("boss@othercorp.example")
    assert mine.status_code == 201, mine.text
    assert "account" not in mine.text
    # Squatting: othercorp invites someone first; their own tenant still can.
    boss.headers["x-csrf-token"] = page_csrf(boss, c.base)
    squat = boss.post(c.url("/api/v1/invitations"), json={"email": "newhire@example.com", "role": "auditor"})
    assert squat.status_code == 201, squat.text
    assert c.invite("newhire@example.com").status_code == 201
    # Within one tenant an address is still taken once.
    assert c.invite("newhire@example.com").status_code == 409


def test_an_address_in_two_tenants_signs_in_where_its_password_opens(c):
    new_tenant(c, "twocorp")
    email = "dual@example.com"
    r = operator_invite(c, "twocorp", email)
    assert r.status_code == 201, r.text
    accept_invitation(c.base, r.json()["link"], "password-for-twocorp")
    mine = c.invite(email)
    assert mine.status_code == 201, mine.text
    accept_invitation(c.base, mine.json()["link"], "password-for-default")
    for password, tenant in [("password-for-twocorp", "twocorp"), ("password-for-default", "default")]:
        s, r = sign_in(c.base, email, password)
        assert r.status_code == 303, (r.status_code, r.text[:300])
        csrf = page_csrf(s, c.base)
        me = s.get(c.url("/api/v1/me"), headers={"x-csrf-token": csrf}).json()
        assert me["tenant"] == tenant, me
    _, r = sign_in(c.base, email, "password-for-neither")
    assert r.status_code == 401


def test_a_sign_in_link_does_not_consume_an_invitation(c):
    r = c.invite("link-probe@example.com")
    assert r.status_code == 201, r.text
    link = r.json()["link"]
    token = link.rsplit("/", 1)[1]
    probe = requests.get(c.url(f"/signin/link/{token}"), allow_redirects=False)
    assert probe.status_code == 404
    assert "roster_session" not in probe.cookies
    assert requests.get(c.url(link)).status_code == 200, "the invitation still works"


def test_the_admin_still_signs_in(c):
    s, r = sign_in(c.base, ADMIN_EMAIL, PASSWORD)
    assert r.status_code == 303 and r.headers["location"] == "/sources", r.status_code
