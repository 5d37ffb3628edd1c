"""Drives the WebChat page in headless Chromium, as a new user would.

Usage: webchat_e2e.py URL SCREENSHOT_DIR [--token TOKEN] [--restart] [--self-signed]
Prints progress markers the Swift test waits on; exits non-zero with a reason on failure.
"""
import sys
import time

from playwright.sync_api import sync_playwright

sys.path.insert(0, __import__("os").path.dirname(__file__))
import navigation  # noqa: E402

url, shots = sys.argv[1], sys.argv[2]
token = sys.argv[sys.argv.index("--token") + 1] if "--token" in sys.argv else None
restart = "--restart" in sys.argv
# The gateway's own self-signed certificate (gateway.tls.autoGenerate): accept it, as a user
# who checked its fingerprint would.
self_signed = "--self-signed" in sys.argv
TIMEOUT = 45_000  # generous: the suite runs beside load tests on 2 cores


def say(marker):
    print(marker, flush=True)


def fail(reason):
    print("FAIL " + reason, flush=True)
    sys.exit(1)


with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
    page = browser.new_page(ignore_https_errors=self_signed)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    navigation.goto(page, url + "/", wait_until="domcontentloaded")

    if token:
        page.wait_for_selector("#auth.shown", timeout=TIMEOUT)
        say("TOKEN_PROMPT_SHOWN")
        page.fill("#token", token)
        page.click("#save-token")

    page.wait_for_selector('#status[data-state="connected"]', timeout=TIMEOUT)
    say("CONNECTED")

    page.fill("#input", "hello from the browser")
    page.keyboard.press("Enter")
    page.wait_for_selector(".msg.user", timeout=TIMEOUT)
    # The reply streams in: wait for the final text, then check how it was rendered.
    page.wait_for_function(
        "() => [...document.querySelectorAll('.msg.assistant')].some(e => e.textContent.includes('end of reply') && !e.classList.contains('streaming'))",
        timeout=TIMEOUT,
    )
    reply = page.locator(".msg.assistant").last
    if reply.locator("strong").first.text_content() != "bold":
        fail("Markdown bold was not rendered")
    if reply.locator("img, script").count() != 0:
        fail("model output injected an element")
    if "<img" not in reply.text_content():
        fail("the escaped markup is not shown as text")
    if page.evaluate("() => window.pwned") is not None:
        fail("model output ran script")
    if self_signed and not page.evaluate("() => location.protocol === 'https:'"):
        fail("the page was not loaded over https")
    name = "/webchat-reply-https.png" if self_signed else "/webchat-reply.png"
    page.screenshot(path=shots + name, full_page=True)
    say("REPLY_OK " + shots + name)

    if restart:
        say("READY_FOR_RESTART")
        page.wait_for_selector('#status:not([data-state="connected"])', timeout=TIMEOUT)
        say("SAW_DISCONNECT")
        page.wait_for_selector('#status[data-state="connected"]', timeout=TIMEOUT * 2)
        # History came back from the new gateway process.
        page.wait_for_function("() => document.querySelectorAll('.msg.user').length >= 1", timeout=TIMEOUT)
        page.fill("#input", "are you back?")
        page.keyboard.press("Enter")
        page.wait_for_function(
            "() => [...document.querySelectorAll('.msg.assistant')].some(e => e.textContent.includes('back again'))", timeout=TIMEOUT
        )
        page.screenshot(path=shots + "/webchat-after-restart.png", full_page=True)
        say("RECONNECTED_OK " + shots + "/webchat-after-restart.png")

    if errors:
        fail("page errors: " + "; ".join(errors))
    browser.close()
    say("DONE")
