"""Accounts on the web: API tokens, the sign-in page, sessions and CSRF protection."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.conftest import PASSWORD, bearer
from web.app import create_app


def test_a_token_names_its_user_and_a_bad_one_gets_401(client, users):
    me = client.get("/api/v1/me", headers=bearer(users["reviewer"]))
    assert me.status_code == 200, me.text
    assert me.json()["role"] == "reviewer" and me.json()["role_label"] == "审核人"
    bad = client.get("/api/v1/me", headers=bearer("kb_not-a-real-token"))
    assert bad.status_code == 401
    assert "令牌" in bad.json()["error"]["message"]
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Basic abc"}).status_code == 401


def test_signing_in_sets_a_session_that_the_header_shows(kb_settings, users):
    with TestClient(create_app(kb_settings)) as c:
        wrong = c.post("/login", data={"name": "审核员乙", "password": "nope-nope"})
        assert wrong.status_code == 401 and "用户名或密码不正确" in wrong.text
        ok = c.post("/login", data={"name": "审核员乙", "password": PASSWORD, "next": "/browse"},
                    follow_redirects=False)
        assert ok.status_code == 303 and ok.headers["location"] == "/browse"
        cookie = ok.headers["set-cookie"]
        assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
        page = c.get("/browse")
        assert "审核员乙" in page.text and "退出" in page.text
        assert c.get("/api/v1/me").json()["name"] == "审核员乙"


def test_next_never_leaves_the_site(kb_settings, users):
    with TestClient(create_app(kb_settings)) as c:
        for target in ("https://evil.example/", "//evil.example", "/\\evil.example"):
            r = c.post("/login", data={"name": "审核员乙", "password": PASSWORD, "next": target},
                       follow_redirects=False)
            assert r.headers["location"] == "/", target


def test_a_cookie_write_without_the_csrf_token_is_refused(kb_settings, users):
    with TestClient(create_app(kb_settings)) as c:
        c.post("/login", data={"name": "审核员乙", "password": PASSWORD})
        refused = c.post("/logout", follow_redirects=False)
        assert refused.status_code == 403 and "刷新页面" in refused.json()["error"]["message"]
        assert c.get("/api/v1/me").status_code == 200  # still signed in
        token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/").text).group(1)
        out = c.post("/logout", data={"csrf_token": token}, follow_redirects=False)
        assert out.status_code == 303
        assert c.get("/api/v1/me").status_code == 401


def test_a_page_that_needs_signing_in_sends_people_to_the_sign_in_page(client):
    r = client.get("/api/v1/me", headers={"Accept": "text/html"})
    assert r.status_code == 401  # the API answers JSON, never a redirect
    login = client.get("/login?next=/reviews")
    assert 'name="next" value="/reviews"' in login.text
