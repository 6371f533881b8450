"""A small exception hierarchy; each error carries the HTTP status the web layer renders."""

from __future__ import annotations


class KBError(Exception):
    status = 400

    def __init__(self, message: str, *, details: list | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or []


class NotFound(KBError):
    status = 404


class InvalidInput(KBError):
    status = 422


class TooLarge(KBError):
    """More than a limit allows (a file's size, rows, cells): 413, with the limit in the message."""

    status = 413


class Conflict(KBError):
    """Another change is under way (a library import); try again when it is done."""

    status = 409


class Unauthorized(KBError):
    """No valid sign-in or API token: 401."""

    status = 401


class Forbidden(KBError):
    status = 403


class NotReady(KBError):
    status = 503


def named(name: str, message: str) -> str:
    """A problem of one file, led by the file's name (once: the readers' own messages often start with it)."""
    return message if message.startswith(f"{name}：") else f"{name}：{message}"
