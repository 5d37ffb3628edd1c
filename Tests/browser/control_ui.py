"""The Control UI in headless Chromium against a live gateway with a gateway token: the token
gate, pairing as an admin device, every tab with real data, a config edit (form and raw, with a
stale baseHash refused), the log tail, escaping of model text, and a reconnect across a gateway
restart without asking for the token again.

Usage: control_ui.py URL SCREENSHOT_DIR TOKEN
Prints progress markers (STEP_OK <name> <screenshot>); waits for GO_RESTART on stdin handling
by the test (it prints READY_FOR_RESTART and waits for the page to reconnect). Exits non-zero
with a reason on failure.
"""
import sys

from playwright.sync_api import sync_playwright

sys.path.insert(0, __import__("os").path.dirname(__file__))
import navigation  # noqa: E402

url, shots, token = sys.argv[1], sys.argv[2], sys.argv[3]
TIMEOUT = 45_000


def say(marker):
    print(marker, flush=True)


def fail(reason):
    print("FAIL " + reason, flush=True)
    sys.exit(1)


def shot(page, name):
    path = shots + "/control-" + name + ".png"
    page.screenshot(path=path, full_page=True)
    return path


def tab(page, name):
    page.click('nav a[href="#' + name + '"]')
    page.wait_for_selector("#view-" + name + ".shown", timeout=TIMEOUT)


with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: d.accept())
    page.on("console", lambda m: print("console: " + m.text, flush=True) if m.type in ("error", "warning") else None)
    sys.excepthook = lambda kind, value, trace: (
        print("FAIL " + str(value).splitlines()[0], flush=True),
        print("state: conn=" + repr(page.text_content("#conn")) + " gate=" + repr(page.text_content("#gate-title")) + " text=" + repr(page.text_content("#gate-text")) + " errors=" + repr(errors), flush=True),
        sys.__excepthook__(kind, value, trace),
    )
    navigation.goto(page, url + "/control", wait_until="domcontentloaded")

    # No device token yet and the gateway has a token: the gate asks for it.
    page.wait_for_selector("#gate-token:not([hidden])", timeout=TIMEOUT)
    if "token" not in page.text_content("#gate-title").lower():
        fail("the gate does not say what it needs: " + page.text_content("#gate-title"))
    page.fill("#gate-token-input", "wrong-token")
    page.click("#gate-token-save")
    page.wait_for_function("() => document.getElementById('gate-title').textContent.includes('not accepted')", timeout=TIMEOUT)
    say("STEP_OK gate " + shot(page, "gate"))
    page.fill("#gate-token-input", token)
    page.click("#gate-token-save")
    page.wait_for_selector('#conn[data-state="connected"]', timeout=TIMEOUT)
    if page.evaluate("() => sessionStorage.getItem('switchboard.control.secret')") is not None:
        fail("the gateway token was kept after pairing")
    if not page.evaluate("() => localStorage.getItem('switchboard.control.deviceToken')"):
        fail("no device token was stored")
    if "admin" not in page.text_content("#who"):
        fail("not connected with admin: " + page.text_content("#who"))

    # Overview: stats, the no-runs chart state.
    page.wait_for_selector("#overview-stats .stat", timeout=TIMEOUT)
    say("STEP_OK overview " + shot(page, "overview-empty"))

    # Chat in a session: the answer streams in, Markdown rendered, markup escaped.
    tab(page, "chat")
    page.fill("#chat-session", "ops-room")
    page.click("#chat-open")
    page.wait_for_selector("#chat-log .empty", timeout=TIMEOUT)
    page.fill("#chat-input", "hello from the control ui")
    page.press("#chat-input", "Enter")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#chat-log .msg.assistant')].some(e => e.textContent.includes('end of reply') && !e.classList.contains('streaming'))",
        timeout=TIMEOUT,
    )
    reply = page.locator("#chat-log .msg.assistant").last
    if reply.locator("strong").count() != 1 or reply.locator("img, script").count() != 0:
        fail("the reply was not rendered safely")
    if page.evaluate("() => window.pwned") is not None:
        fail("model output ran script")
    say("STEP_OK chat " + shot(page, "chat"))

    # The overview chart now has a run.
    tab(page, "overview")
    page.wait_for_selector("#runs-chart rect.ok", timeout=TIMEOUT)
    say("STEP_OK chart " + shot(page, "overview"))

    # Sessions: listed, previewed, reset, deleted.
    tab(page, "sessions")
    row = 'tr[data-key$="ops-room"]'
    page.wait_for_selector(row, timeout=TIMEOUT)
    page.click(row + " >> text=Preview")
    page.wait_for_function("() => document.getElementById('preview').textContent.includes('hello from the control ui')", timeout=TIMEOUT)
    say("STEP_OK sessions " + shot(page, "sessions"))
    page.click(row + " >> text=Reset")
    page.wait_for_selector("#view-sessions .notice:has-text('Reset')", timeout=TIMEOUT)
    page.click(row + " >> text=Delete")
    page.wait_for_selector("#view-sessions .notice:has-text('Deleted')", timeout=TIMEOUT)
    page.wait_for_selector(row, state="detached", timeout=TIMEOUT)

    # Channels: the cards and the empty pairing state.
    tab(page, "channels")
    page.wait_for_selector('[data-channel="webchat"]', timeout=TIMEOUT)
    page.wait_for_selector("#channel-pairing .empty", timeout=TIMEOUT)
    say("STEP_OK channels " + shot(page, "channels"))

    # Devices: this browser is a paired admin device; no nodes yet.
    tab(page, "devices")
    page.wait_for_selector("#devices-paired td:has-text('(this browser)')", timeout=TIMEOUT)
    page.wait_for_selector("#nodes-list .empty", timeout=TIMEOUT)
    say("STEP_OK devices " + shot(page, "devices"))

    # Cron: add through the form (a bad expression first), see it, remove it.
    tab(page, "cron")
    page.wait_for_selector("#cron-list .empty", timeout=TIMEOUT)
    page.fill("#cron-name", "standup")
    page.fill("#cron-expr", "not a schedule")
    page.fill("#cron-message", "Summarise my day")
    page.click("#cron-form button[type=submit]")
    page.wait_for_function("() => document.getElementById('cron-form-error').textContent.length > 0", timeout=TIMEOUT)
    page.fill("#cron-expr", "0 9 * * MON-FRI")
    page.click("#cron-form button[type=submit]")
    page.wait_for_selector("#cron-list tr:has-text('standup')", timeout=TIMEOUT)
    say("STEP_OK cron " + shot(page, "cron"))
    page.click("#cron-list tr:has-text('standup') >> text=Remove")
    page.wait_for_selector("#cron-list .empty", timeout=TIMEOUT)

    # Config: the generated form with hot/restart hints; a hot edit applied at once.
    tab(page, "config")
    field = "#cfg-agents_defaults_chatDeltaThrottleMs"
    page.wait_for_selector(field, timeout=TIMEOUT)
    if page.locator("label[for='cfg-agents_defaults_chatDeltaThrottleMs'] .badge").text_content() != "hot":
        fail("the hot hint is missing")
    if page.locator("label[for='cfg-gateway_port'] .badge").text_content() != "restart":
        fail("the restart hint is missing")
    if page.get_attribute("#cfg-channels_telegram_botToken", "type") != "password":
        fail("a secret setting is not a password field")
    page.fill(field, "75")
    page.click("#config-save")
    page.wait_for_selector("#config-result .notice:has-text('applied now')", timeout=TIMEOUT)
    say("STEP_OK config " + shot(page, "config"))
    # Raw editor: an edit made elsewhere after this page loaded is refused, not overwritten.
    page.click("#config-mode")
    page.wait_for_function("() => document.getElementById('config-raw-text').value.includes('75')", timeout=TIMEOUT)
    page.evaluate(
        """() => request('config.get').then(c => request('config.patch', {raw: JSON.stringify({agents: {defaults: {historyLimit: 90}}}), baseHash: c.hash}))"""
    )
    page.fill("#config-raw-text", '{"agents": {"defaults": {"chatDeltaThrottleMs": 80}}}')
    page.click("#config-raw-save")
    page.wait_for_selector("#config-result .notice.bad:has-text('changed since')", timeout=TIMEOUT)
    say("STEP_OK config-stale " + shot(page, "config-raw"))

    # Logs: the live tail shows this page's own connection.
    tab(page, "logs")
    page.wait_for_selector("#logs div:has-text('client connected')", timeout=TIMEOUT)
    say("STEP_OK logs " + shot(page, "logs"))

    # A gateway restart: the page reconnects by itself with its device token.
    tab(page, "overview")
    say("READY_FOR_RESTART")
    page.wait_for_selector('#conn:not([data-state="connected"])', timeout=TIMEOUT)
    say("STEP_OK disconnected " + shot(page, "reconnecting"))
    page.wait_for_selector('#conn[data-state="connected"]', timeout=TIMEOUT * 2)
    if not page.is_hidden("#gate"):
        fail("the gate came back after a restart")
    page.wait_for_selector("#overview-stats .stat", timeout=TIMEOUT)
    say("STEP_OK reconnected " + shot(page, "reconnected"))

    if errors:
        fail("page errors: " + "; ".join(errors))
    browser.close()
    say("DONE")
