"""One headless Chromium per test module."""

import pytest
from playwright.sync_api import sync_playwright

from tests.app.browser.chromium import CHROMIUM, QUIET


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=QUIET)
        yield launched
        launched.close()
