"""`kb user …`: accounts from the command line."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cli.main import app
from kb.settings import get_settings
from web.app import create_app

runner = CliRunner()


@pytest.fixture
def empty_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_DATA_DIR", str(tmp_path / "kb"))
    monkeypatch.delenv("KB_DATABASE_URL", raising=False)
    return tmp_path / "kb"


def test_user_add_prints_a_token_on_its_last_line_that_the_api_accepts(empty_dir):
    result = runner.invoke(app, ["user", "add", "李审核", "--role", "reviewer", "--password", "abcdefgh1"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("kb_") and " " not in token
    listed = runner.invoke(app, ["user", "list"])
    assert "李审核\t审核人" in listed.output
    with TestClient(create_app(get_settings())) as c:
        assert c.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()["name"] == "李审核"
        signed = c.post("/login", data={"name": "李审核", "password": "abcdefgh1"}, follow_redirects=False)
        assert signed.status_code == 303


def test_bad_roles_short_passwords_and_duplicates_get_a_chinese_message(empty_dir):
    bad_role = runner.invoke(app, ["user", "add", "甲", "--role", "boss", "--password", "abcdefgh1"])
    assert bad_role.exit_code == 1 and "角色 'boss' 不存在" in bad_role.output
    asked = runner.invoke(app, ["user", "add", "甲", "--role", "boss"], input="abcdefgh1\n")  # no password given
    assert asked.exit_code == 1 and "角色 'boss' 不存在" in asked.output and "网页登录密码" not in asked.output
    short = runner.invoke(app, ["user", "add", "甲", "--role", "admin", "--password", "short"])
    assert short.exit_code == 1 and "至少 8 个字符" in short.output
    assert runner.invoke(app, ["user", "add", "甲", "--role", "admin", "--password", "abcdefgh1"]).exit_code == 0
    again = runner.invoke(app, ["user", "add", "甲", "--role", "reviewer", "--password", "abcdefgh1"])
    assert again.exit_code == 1 and "已存在" in again.output


def test_role_passwd_and_a_second_token(empty_dir):
    runner.invoke(app, ["user", "add", "乙", "--role", "department", "--password", "abcdefgh1"])
    assert runner.invoke(app, ["user", "role", "乙", "reviewer"]).exit_code == 0
    assert runner.invoke(app, ["user", "passwd", "乙", "--password", "newpass99"]).exit_code == 0
    second = runner.invoke(app, ["user", "token", "乙"]).output.strip().splitlines()[-1]
    with TestClient(create_app(get_settings())) as c:
        me = c.get("/api/v1/me", headers={"Authorization": f"Bearer {second}"}).json()
        assert me["role"] == "reviewer"
        assert c.post("/login", data={"name": "乙", "password": "abcdefgh1"}).status_code == 401
        assert c.post("/login", data={"name": "乙", "password": "newpass99"}, follow_redirects=False).status_code == 303
    assert runner.invoke(app, ["user", "passwd", "无此人", "--password", "abcdefgh1"]).exit_code == 1
