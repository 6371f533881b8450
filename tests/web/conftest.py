"""Fixtures the browser tests share: a real server over the shared knowledge base (with its users)
and Debian's chromium, each started once per test module."""

from __future__ import annotations

import pytest

from tests.web.browser_kit import launch, serve
from web.app import create_app


@pytest.fixture(scope="module")
def base_url(kb_settings, users):
    with serve(create_app(kb_settings)) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with launch() as b:
        yield b
