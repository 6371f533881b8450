"""What every command shares: printing a line, and domain errors as a Chinese message and exit code."""

from __future__ import annotations

import sys
from functools import wraps

import typer

from kb.errors import KBError


def out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def friendly(fn):
    """Turn domain errors into a Chinese message and exit code 1 instead of a traceback."""
    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except KBError as exc:
            typer.secho(f"错误：{exc.message}", fg="red", err=True)
            for d in exc.details[:50]:
                typer.echo(f"  - {d}", err=True)
            raise typer.Exit(1) from None
    return wrapper
