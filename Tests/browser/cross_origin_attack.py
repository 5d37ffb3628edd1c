"""A web page on another origin tries to drive the gateway from a real headless Chromium.

Usage: cross_origin_attack.py GATEWAY_PORT
Serves an attack page from this process (another origin: another port, and a rebinding name
mapped to 127.0.0.1), opens it, and reports what the page could do. Prints one JSON line
`RESULT {...}` and exits 0; the Swift test judges it.
"""
import http.server
import json
import socketserver
import sys
import threading

from playwright.sync_api import sync_playwright

sys.path.insert(0, __import__("os").path.dirname(__file__))
import navigation  # noqa: E402

gateway_port = int(sys.argv[1])

PAGE = """<!doctype html><html><body><script>
const gw = new URLSearchParams(location.search).get("gw");
const result = { ws: null, closeCode: null, error: null, fetch: null };
function finish() { window.result = result; }
// Done when the socket has closed and the fetch has settled (a socket that stays open is
// reported by the fallback timer, as connected).
function check() { if (result.closeCode !== null && result.fetch !== null) finish(); }
const ws = new WebSocket("ws://" + gw + "/");
ws.onmessage = (m) => {
  const frame = JSON.parse(m.data);
  if (frame.type === "event" && frame.event === "connect.challenge") {
    ws.send(JSON.stringify({ type: "req", id: "c1", method: "connect", params: {
      minProtocol: 3, maxProtocol: 3, client: { id: "evil", version: "1", platform: "web", mode: "webchat" } } }));
  } else if (frame.type === "res") {
    result.ws = frame.ok ? "connected" : "refused";
    result.error = frame.error || null;
    if (frame.ok) ws.send(JSON.stringify({ type: "req", id: "g1", method: "config.get", params: {} }));
  }
};
ws.onclose = (e) => { result.closeCode = e.code; if (!result.ws) result.ws = "failed"; check(); };
fetch("http://" + gw + "/health").then(r => r.text().then(t => { result.fetch = "read:" + r.status; check(); }))
  .catch(e => { result.fetch = "blocked"; check(); });
setTimeout(finish, 15000);
</script></body></html>"""


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = PAGE.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = socketserver.TCPServer(("127.0.0.1", 0), Handler)
attack_port = server.server_address[1]
threading.Thread(target=server.serve_forever, daemon=True).start()

results = {}
with sync_playwright() as p:
    browser = p.chromium.launch(
        executable_path="/usr/bin/chromium",
        args=["--no-sandbox", "--disable-gpu", "--host-resolver-rules=MAP rebind.test 127.0.0.1"],
    )
    page = browser.new_page()
    cases = {
        # Another site's page dialling the gateway by its loopback address.
        "cross_origin": f"http://127.0.0.1:{attack_port}/?gw=127.0.0.1:{gateway_port}",
        # DNS rebinding: the page's own name now resolves to the gateway.
        "rebinding": f"http://rebind.test:{attack_port}/?gw=rebind.test:{gateway_port}",
    }
    for name, url in cases.items():
        navigation.goto(page, url)
        page.wait_for_function("() => window.result !== undefined", timeout=30_000)
        results[name] = page.evaluate("() => window.result")
    # After a rebinding, the attacker's page is same-origin with the gateway: reading is
    # then only stopped by the Host check. A top-level load shows what such a read gets.
    response = navigation.goto(page, f"http://rebind.test:{gateway_port}/health")
    results["rebinding_read"] = {"status": response.status, "body": page.content()[:300]}
    # The gateway's own WebChat page still connects.
    navigation.goto(page, f"http://127.0.0.1:{gateway_port}/")
    page.wait_for_selector('#status[data-state="connected"]', timeout=20_000)
    results["webchat"] = "connected"
    browser.close()
server.shutdown()
print("RESULT " + json.dumps(results), flush=True)
