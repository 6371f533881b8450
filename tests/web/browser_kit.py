"""What the browser tests share: Debian's chromium driven by Playwright (no browser download), a real
uvicorn server in a thread, pages that fail a test on a JavaScript error or on any request that
leaves the server, and signing in as a person would."""

from __future__ import annotations

import re
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn

from tests.conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--lang=zh-CN"]
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
LAPTOP = {"width": 1366, "height": 768}
OUTSIDE = re.compile(r"^https?://(?!127\.0\.0\.1[:/])")
NEEDS_CHROMIUM = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                       "(apt-get install -y chromium fonts-wqy-microhei)"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(app):
    """A real uvicorn server on 127.0.0.1 in a background thread; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the uvicorn server did not start within 60 s")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def launch():
    """Debian's chromium, headless."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def new_page(browser, base_url: str, *, block_outside: bool = True, **options):
    """A page in a profile of its own (no cookies, empty localStorage: like another computer). On
    leaving, the test fails if a script threw or, with `block_outside`, if the page asked for
    anything outside the server (every such request is blocked)."""
    context = browser.new_context(**{"viewport": LAPTOP, "locale": "zh-CN", "base_url": base_url,
                                     "accept_downloads": True, **options})
    pg = context.new_page()
    errors: list[str] = []
    outside: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    if block_outside:
        pg.route(OUTSIDE, lambda route: (outside.append(route.request.url), route.abort()))
    try:
        yield pg
    finally:
        context.close()
    assert errors == [], f"JavaScript errors: {errors}"
    assert outside == [], f"requests outside the server: {outside}"


def sign_in(pg, name: str, target: str, password: str = PASSWORD) -> None:
    """Sign in from the sign-in page a page that needs it sends people to, and land on `target`."""
    pg.goto(f"/login?next={target}")
    pg.get_by_label("用户名").fill(name)
    pg.get_by_label("密码").fill(password)
    pg.get_by_role("button", name="登录").click()
    pg.wait_for_url(re.compile(re.escape(target) + "$"))


def shot(pg, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"))


def fits_the_laptop(pg) -> bool:
    return pg.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def chinese(pg) -> None:
    """The page speaks Chinese: no English words a person would read, beyond codes and file names."""
    text = pg.locator("main").inner_text()
    assert sum("\u4e00" <= ch <= "\u9fff" for ch in text) > 40
    english = re.findall(r"\b(?:None|null|undefined|True|False|Error|Not Found|running|done|failed|NaN)\b", text)
    assert english == [], english
