"""The Control UI on a gateway without auth: a page may not pair itself into admin, so it shows
the pairing wait with the exact command to run on the gateway host, then connects by itself
once the test approves it with the real CLI. The overview then shows the missing-provider
warning.

Usage: control_ui_pairing.py URL SCREENSHOT_DIR
Prints PAIRING_SHOWN <request id>, then CONNECTED, DONE; exits non-zero with a reason on failure.
"""
import re
import sys

from playwright.sync_api import sync_playwright

sys.path.insert(0, __import__("os").path.dirname(__file__))
import navigation  # noqa: E402

url, shots = sys.argv[1], sys.argv[2]
TIMEOUT = 45_000


def say(marker):
    print(marker, flush=True)


def fail(reason):
    print("FAIL " + reason, flush=True)
    sys.exit(1)


with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
    page = browser.new_page(viewport={"width": 1100, "height": 700})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    navigation.goto(page, url + "/control", wait_until="domcontentloaded")
    page.wait_for_selector("#gate-command:not([hidden])", timeout=TIMEOUT)
    command = page.text_content("#gate-command-text")
    match = re.search(r"switchboard devices approve ([0-9a-f-]{36})", command)
    if not match:
        fail("the gate does not name the command: " + command)
    if not page.is_hidden("#main"):
        fail("the dashboard is shown before approval")
    page.screenshot(path=shots + "/control-pairing.png", full_page=True)
    say("PAIRING_SHOWN " + match.group(1) + " " + shots + "/control-pairing.png")
    page.wait_for_selector('#conn[data-state="connected"]', timeout=TIMEOUT)
    if "admin" not in page.text_content("#who"):
        fail("approved without admin: " + page.text_content("#who"))
    page.wait_for_selector("#overview-warnings .notice:has-text('no model provider')", timeout=TIMEOUT)
    page.screenshot(path=shots + "/control-approved.png", full_page=True)
    say("CONNECTED " + shots + "/control-approved.png")
    if errors:
        fail("page errors: " + "; ".join(errors))
    browser.close()
    say("DONE")
