"""The browser every e2e test drives: Debian's Chromium through Playwright."""

import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def browser_page(monkeypatch):
    if not shutil.which(CHROMIUM):
        pytest.fail("Debian's chromium is required for the browser tests (make test installs it)")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1000},
                                      accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(20000)
        yield page
        browser.close()
