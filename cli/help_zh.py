"""Chinese for what click and typer print around the commands' own help and errors.

Both libraries pass most of their words through gettext (`_`, `ngettext`) and ship no Chinese
catalog, so `install()` points those names in their loaded modules at this table; the panel titles
typer computed at import are set again, since it compares panel names with them when it lays out
the help. The copy of click inside recent typer writes the usage line, the --help line and the
usage errors without gettext: `ChineseGroup`, the class of the `kb` command groups, puts those in
Chinese for itself and each command it runs. A message in neither is printed as the library wrote it.
"""

from __future__ import annotations

import gettext as _gettext
import re
import sys

import typer.rich_utils
from typer.core import TyperGroup

ZH = {
    "Usage:": "用法：",
    "Options": "选项",
    "Arguments": "参数",
    "Commands": "命令",
    "Error": "错误",
    "Error: {message}": "错误：{message}",
    "Aborted.": "已中止。",
    "Aborted!": "已中止！",
    "Show this message and exit.": "显示本帮助并退出。",
    "Try '{command} {option}' for help.": "运行 '{command} {option}' 查看帮助。",
    "Try [blue]'{command_path} {help_option}'[/] for help.": "运行 [blue]'{command_path} {help_option}'[/] 查看帮助。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing command.": "缺少命令。",
    "Missing {param_type}": "缺少{param_type}",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带值。",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "Got unexpected extra argument ({args})": "多出了参数（{args}）",
    "Got unexpected extra arguments ({args})": "多出了参数（{args}）",
    "Did you mean {possibility}?": "是不是 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是不是其中之一：{possibilities}？）",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在 {range} 范围内。",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是目录。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 无法读取。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 无法写入。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "required": "必填",
    "[required]": "[必填]",
    "default: {default}": "默认：{default}",
    "[default: {}]": "[默认：{}]",
    "(deprecated) ": "（已弃用）",
    "[env var: {}]": "[环境变量：{}]",
    "unknown error": "未知错误",
}


def gettext(message: str) -> str:
    return ZH.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return gettext(singular if n == 1 else plural)


def install() -> None:
    """Point gettext in every loaded click and typer module (typer carries a copy of click in
    `typer._click`; older ones use click itself) at the table."""
    for name, module in list(sys.modules.items()):
        if module is None or not name.startswith(("click", "typer")):
            continue
        if getattr(module, "_", None) is _gettext.gettext:
            module._ = gettext
        if getattr(module, "ngettext", None) is _gettext.ngettext:
            module.ngettext = ngettext
    rich = typer.rich_utils
    rich.ARGUMENTS_PANEL_TITLE, rich.OPTIONS_PANEL_TITLE = gettext("Arguments"), gettext("Options")
    rich.COMMANDS_PANEL_TITLE, rich.ERRORS_PANEL_TITLE = gettext("Commands"), gettext("Error")
    rich.ABORTED_TEXT = gettext("Aborted.")
    rich.DEFAULT_STRING, rich.REQUIRED_LONG_STRING = gettext("[default: {}]"), gettext("[required]")
    rich.DEPRECATED_STRING, rich.ENVVAR_STRING = gettext("(deprecated) "), gettext("[env var: {}]")
    rich.RICH_HELP = gettext("Try [blue]'{command_path} {help_option}'[/] for help.")


ERRORS = (  # usage errors as the copy of click in typer words them → Chinese
    (re.compile(r"^Missing argument (.+?)\.(.*)$", re.S), r"缺少参数 \1。\2"),
    (re.compile(r"^Missing option (.+?)\.(.*)$", re.S), r"缺少选项 \1。\2"),
    (re.compile(r"^No such option: (\S+) \(Possible options: (.+)\)$"), r"没有选项 \1（是不是：\2）"),
    (re.compile(r"^No such option: (\S+)$"), r"没有选项 \1"),
    (re.compile(r"^Option (.+?) requires an argument\.$"), r"选项 \1 需要一个值。"),
    (re.compile(r"^Got unexpected extra argument(?:s|\(s\))? \((.*)\)$"), r"多出了参数（\1）"),
    (re.compile(r"^Invalid value for (.+?): (.*)$", re.S), r"\1 的值无效：\2"),
    (re.compile(r"^(.*?)。?\. Did you mean (.+)\?$", re.S), r"\1。是不是 \2？"),  # typer's suggestion after click's
)
VALUES = (  # what typer says of a value it cannot convert
    (re.compile(r"Input should be a valid integer[^\n]*"), "应为整数"),
    (re.compile(r"Input should be a valid number[^\n]*"), "应为数字"),
    (re.compile(r"Input should be less than or equal to (\S+)"), r"不能大于 \1"),
    (re.compile(r"Input should be greater than or equal to (\S+)"), r"不能小于 \1"),
    (re.compile(r"Input should be less than (\S+)"), r"应小于 \1"),
    (re.compile(r"Input should be greater than (\S+)"), r"应大于 \1"),
)


def chinese_error(text: str) -> str:
    for pattern, replacement in ERRORS:
        if pattern.match(text):
            text = pattern.sub(replacement, text, count=1)
            break
    for pattern, replacement in VALUES:
        text = pattern.sub(replacement, text)
    return text


def _usage(get_usage):
    return lambda ctx: get_usage(ctx).replace("Usage:", gettext("Usage:"), 1)


def _help_option(get_help_option):
    def chinese(ctx):
        option = get_help_option(ctx)
        if option is not None:
            option.help = gettext("Show this message and exit.")
        return option
    return chinese


def _in_chinese(command):
    """A command (or group) whose usage line and --help line read in Chinese."""
    if not getattr(command, "_chinese", False):
        command.get_usage = _usage(command.get_usage)
        command.get_help_option = _help_option(command.get_help_option)
        command._chinese = True
    return command


class ChineseGroup(TyperGroup):
    """A typer command group that speaks Chinese in its usage line, --help line and usage errors,
    and makes each command it runs do the same."""

    def get_usage(self, ctx) -> str:
        return _usage(super().get_usage)(ctx)

    def get_help_option(self, ctx):
        return _help_option(super().get_help_option)(ctx)

    def get_command(self, ctx, cmd_name):
        command = super().get_command(ctx, cmd_name)
        return _in_chinese(command) if command is not None else None

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except Exception as exc:
            if hasattr(exc, "format_message") and hasattr(exc, "ctx"):  # a usage error, not one of ours
                english = exc.format_message()
                exc.format_message = lambda: chinese_error(english)
            raise
