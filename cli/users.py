"""`kb user …`: accounts for the web UI and API tokens for the budget system."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.help_zh import ChineseGroup
from cli.output import friendly, out
from kb import accounts
from kb.db import create_schema, get_engine, session_scope
from kb.settings import get_settings

users = typer.Typer(help="用户与角色：管理员（admin）、审核人（reviewer）、填报部门（department）。",
                    no_args_is_help=True, cls=ChineseGroup)
ROLE_HELP = "角色：admin（管理员，可导入指标库）、reviewer（审核人）、department（填报部门）"


def _scope():
    engine = get_engine(get_settings())
    create_schema(engine)
    return session_scope(engine)


def _ask_password(given: str | None) -> str | None:
    if given is not None:
        return given
    return typer.prompt("网页登录密码（至少 8 个字符，直接回车则只发 API 令牌）", default="", hide_input=True,
                        confirmation_prompt=False, show_default=False) or None


@users.command("add")
@friendly
def add(name: str, role: Annotated[str, typer.Option("--role", help=ROLE_HELP)],
        password: Annotated[str | None, typer.Option(help="网页登录密码；不给则提示输入（回车跳过）")] = None,
        department: Annotated[str, typer.Option(help="填报部门用户所属单位")] = "") -> None:
    """新建用户；最后一行单独打印其 API 令牌（只显示这一次）。"""
    accounts.check_name(name)  # both before asking for a password they would not use
    accounts.check_role(role)
    with _scope() as session:
        user, token = accounts.add_user(session, name=name, role=role, password=_ask_password(password),
                                        department=department)
        out(f"已新建用户 {user.name}（{accounts.ROLES[user.role]}）" + ("，可用密码登录网页" if user.password_hash
                                                                 else "，未设密码：只能用 API 令牌"))
    out("API 令牌（请妥善保存，不会再次显示）：")
    out(token)


@users.command("list")
@friendly
def list_() -> None:
    """列出用户与角色。"""
    with _scope() as session:
        rows = accounts.list_users(session)
        for u in rows:
            out(f"{u.name}\t{accounts.ROLES.get(u.role, u.role)}\t{u.department or '-'}\t"
                + ("在用" if u.active else "停用"))
        if not rows:
            out("还没有用户；用 kb user add 姓名 --role admin 新建管理员")


@users.command("passwd")
@friendly
def passwd(name: str, password: Annotated[str | None, typer.Option(help="新密码；不给则提示输入")] = None) -> None:
    """设置或重设用户的网页登录密码。"""
    with _scope() as session:
        user = accounts.require_user(session, name=name)
        new = password if password is not None else typer.prompt("新密码", hide_input=True, confirmation_prompt=True)
        accounts.set_password(session, user=user, password=new)
    out(f"已更新 {name} 的密码")


@users.command("role")
@friendly
def role(name: str, new_role: Annotated[str, typer.Argument(help=ROLE_HELP)]) -> None:
    """更改用户的角色。"""
    with _scope() as session:
        user = accounts.require_user(session, name=name)
        accounts.set_role(session, user=user, role=new_role)
    out(f"{name} 的角色已改为{accounts.ROLES[new_role]}")


@users.command("token")
@friendly
def token(name: str) -> None:
    """为用户再发一个 API 令牌（旧令牌仍有效）；最后一行单独打印令牌。"""
    with _scope() as session:
        user = accounts.require_user(session, name=name)
        value = accounts.new_token(session, user=user)
    out(f"已为 {name} 新发 API 令牌（请妥善保存，不会再次显示）：")
    out(value)
