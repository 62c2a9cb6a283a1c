"""The browser every e2e test drives: Debian's Chromium through Playwright. When a test fails, the page is saved as
it was at that moment: to the path a test put in ``request.node.stash[FAILURE_SHOT]``, else under
test-artifacts/failures/."""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = "/usr/bin/chromium"
FAILURE_SHOT = pytest.StashKey[Path]()
FAILURES = Path(settings.BASE_DIR) / "test-artifacts" / "failures"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)  # read by fixtures at teardown
    return report


def _save_failure(request, page) -> None:
    report = getattr(request.node, "rep_call", None)
    if report is None or not report.failed:
        return
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    path = request.node.stash.get(FAILURE_SHOT, None) or FAILURES / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=str(path), full_page=True)
    except Exception as exc:  # the page may be gone; the failure itself is what matters
        print(f"no failure screenshot: {exc}")
    else:
        print(f"failure screenshot: {path}")


@pytest.fixture(scope="package")
def chromium():
    """One Chromium for all the browser tests (launching it costs a second or more each time); each test gets a
    fresh context, with its own cookies and storage. Playwright's sync API keeps an event loop running in this
    thread, so Django's async-safety check is off while the browser tests run."""
    if not shutil.which(CHROMIUM):
        pytest.fail("Debian's chromium is required for the browser tests (make test installs it)")
    from playwright.sync_api import sync_playwright

    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
            )
            yield browser
            browser.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def browser_page(request, chromium):
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    yield page
    _save_failure(request, page)
    context.close()
