"""Headless Chromium (Debian's; Playwright cannot download browsers here) for the browser tests."""

from playwright.sync_api import Page

from core.config import PROJECT_ROOT

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = PROJECT_ROOT / "reports" / "screenshots"
# Without these, Chromium keeps dialling Google's hosts, which this closed network refuses.
QUIET = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ANSWER = 30_000  # ms a real Rasa turn may take on a busy 2-core machine


def new_page(browser, stack, path: str, locale: str = "zh-CN", width: int = 1280,
             height: int = 800) -> Page:
    """A page of the stack's web app that records any request to another server."""
    context = browser.new_context(locale=locale, viewport={"width": width, "height": height})
    page = context.new_page()
    outside = []
    page.on("request", lambda request: None if request.url.startswith(
        (stack.settings.web_url, "data:", "blob:")) else outside.append(request.url))
    page.outside_requests = outside
    page.goto(stack.settings.web_url + path)
    return page


def ask(page: Page, message: str) -> None:
    page.locator(".an-input").fill(message)
    page.locator(".an-input").press("Enter")


def last_bot(page: Page):
    return page.locator(".an-bot .an-bubble").last
