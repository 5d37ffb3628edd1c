"""WebChat's details in headless Chromium: the empty state, the agent and model in the header,
tool calls in an answer, a stopped answer marked as stopped (also after a reload), and a
question whose run failed marked as unanswered after a reload.

Usage: webchat_details.py URL SCREENSHOT_DIR
Prints progress markers; exits non-zero with a reason on failure.
"""
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


def send(page, text):
    page.fill("#input", text)
    page.keyboard.press("Enter")


with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    navigation.goto(page, url + "/", wait_until="domcontentloaded")
    page.wait_for_selector('#status[data-state="connected"]', timeout=TIMEOUT)
    page.wait_for_selector("#empty", timeout=TIMEOUT)
    if "No messages yet" not in page.text_content("#empty"):
        fail("no empty state")
    page.wait_for_function("() => document.getElementById('agent').textContent.includes('fake')", timeout=TIMEOUT)
    header = page.text_content("#agent")
    if "agent main" not in header:
        fail("the header does not name the agent: " + header)
    page.screenshot(path=shots + "/webchat-empty.png", full_page=True)
    say("EMPTY_OK " + header)

    send(page, "what time is it?")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.msg.assistant')].some(e => e.textContent.includes('It is noon') && !e.classList.contains('streaming'))",
        timeout=TIMEOUT)
    answer = page.locator(".msg.assistant").last
    if "used current_time" not in answer.locator(".tool").first.text_content():
        fail("the tool call is not shown")
    if page.locator("#empty").count() != 0:
        fail("the empty state stayed")
    say("TOOL_OK")

    send(page, "count slowly")
    page.wait_for_function("() => [...document.querySelectorAll('.msg.assistant.streaming')].some(e => e.textContent.includes('Counting'))", timeout=TIMEOUT)
    page.click("#abort")
    page.wait_for_selector(".stopped-note", timeout=TIMEOUT)
    page.wait_for_selector("#abort", state="hidden", timeout=TIMEOUT)
    page.screenshot(path=shots + "/webchat-stopped.png", full_page=True)
    say("STOPPED_OK")

    # Two questions whose runs fail (the model answers 500 from here on).
    send(page, "this one fails")
    page.wait_for_selector(".msg.error", timeout=TIMEOUT)
    send(page, "and this one too")
    page.wait_for_function("() => document.querySelectorAll('.msg.error').length >= 2", timeout=TIMEOUT)

    navigation.reload(page, wait_until="domcontentloaded")
    page.wait_for_selector('#status[data-state="connected"]', timeout=TIMEOUT)
    page.wait_for_function("() => document.querySelectorAll('.msg.user').length >= 4", timeout=TIMEOUT)
    if page.locator(".stopped-note").count() < 1:
        fail("after a reload the stopped answer looks complete")
    if "used current_time" not in page.text_content("#log"):
        fail("after a reload the tool call is gone")
    if "no answer was recorded" not in page.text_content("#log"):
        fail("after a reload the failed question looks pending")
    if page.locator("#abort").is_visible():
        fail("Stop is shown with nothing running")
    page.screenshot(path=shots + "/webchat-reloaded.png", full_page=True)
    say("RELOAD_OK " + shots + "/webchat-reloaded.png")
    if errors:
        fail("page errors: " + "; ".join(errors))
    browser.close()
    say("DONE")
