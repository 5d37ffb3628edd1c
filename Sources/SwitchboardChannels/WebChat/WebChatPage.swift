/// The WebChat page served on the gateway port. It speaks only the public WebSocket API
/// (connect, `chat.history`, `chat.send`, `chat.abort`, `chat` events), so it doubles as a
/// reference client. Model text is escaped before the small Markdown renderer runs, so
/// replies can never inject markup or script.
public enum WebChatPage {
    /// `escapeHTML` and `renderMarkdown`, shared with the Control UI's chat: text is escaped
    /// first, then only the tags made here are added.
    public static let markdownRenderer: String = #"""
// Escape first, then apply a few Markdown rules to the escaped text: nothing the model
// writes can become a tag or an attribute other than the ones produced here.
function escapeHTML(s) { return s.replace(/[&<>"']/g, c => ({"&":"&amp;","<":"&lt;",">":"&gt;","\"":"&quot;","'":"&#39;"}[c])); }
function renderMarkdown(text) {
  const parts = text.split(/```/);
  return parts.map((part, i) => {
    if (i % 2 === 1) { return "<pre><code>" + escapeHTML(part.replace(/^[\w-]*\n/, "")) + "</code></pre>"; }
    let s = escapeHTML(part);
    s = s.replace(/`([^`\n]+)`/g, "<code>$1</code>");
    s = s.replace(/\*\*(\S(?:.*?\S)?)\*\*/g, "<strong>$1</strong>");
    s = s.replace(/(^|[^\w*])\*(\S(?:[^*\n]*?\S)?)\*(?![\w*])/g, "$1<em>$2</em>");
    s = s.replace(/\[([^\]\n]+)\]\((https?:\/\/[^\s)"]+)\)/g, '<a href="$2" target="_blank" rel="noopener noreferrer">$1</a>');
    return s.replace(/\n/g, "<br>");
  }).join("");
}
"""#

    public static let html: String = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchboard WebChat</title>
<style>
  :root { color-scheme: light dark; --fg:#1d1d1f; --bg:#f5f5f7; --me:#0b63ce; --bot:#ffffff; --muted:#6e6e73; }
  @media (prefers-color-scheme: dark) { :root { --fg:#f5f5f7; --bg:#1c1c1e; --bot:#2c2c2e; --muted:#a1a1a6; } }
  * { box-sizing: border-box; }
  body { margin:0; font: 15px/1.45 system-ui, -apple-system, sans-serif; color:var(--fg); background:var(--bg); display:flex; flex-direction:column; height:100vh; }
  header { padding:10px 16px; display:flex; gap:12px; align-items:center; border-bottom:1px solid #8883; }
  header h1 { font-size:16px; margin:0; flex:1; }
  #status { font-size:13px; color:var(--muted); }
  #status[data-state="connected"]::before { content:"● "; color:#28a745; }
  #status[data-state="connecting"]::before, #status[data-state="reconnecting"]::before { content:"● "; color:#e0a800; }
  #log { flex:1; overflow-y:auto; padding:16px; display:flex; flex-direction:column; gap:10px; }
  .msg { max-width:80%; padding:8px 12px; border-radius:14px; white-space:normal; word-wrap:break-word; }
  .msg.user { align-self:flex-end; background:var(--me); color:#fff; }
  .msg.assistant { align-self:flex-start; background:var(--bot); box-shadow:0 1px 2px #0002; }
  .msg.error { align-self:center; color:#c62828; font-size:13px; }
  .msg.streaming::after { content:"▍"; animation: blink 1s steps(1) infinite; }
  @keyframes blink { 50% { opacity:0; } }
  .msg pre { background:#8882; padding:8px; border-radius:6px; overflow-x:auto; }
  .msg code { font-family: ui-monospace, Menlo, monospace; font-size:13px; }
  form { display:flex; gap:8px; padding:12px 16px; border-top:1px solid #8883; }
  textarea { flex:1; resize:none; font:inherit; padding:8px; border-radius:8px; border:1px solid #8886; background:transparent; color:inherit; }
  button { font:inherit; padding:8px 14px; border-radius:8px; border:0; background:var(--me); color:#fff; cursor:pointer; }
  button[disabled] { opacity:.5; cursor:default; }
  #auth { display:none; padding:16px; gap:8px; align-items:center; }
  #agent { font-size:13px; color:var(--muted); }
  .empty { margin:auto; text-align:center; color:var(--muted); max-width:28em; }
  .tool { display:block; font-size:12px; color:var(--muted); margin-bottom:4px; }
  .stopped-note { display:block; font-size:12px; color:var(--muted); margin-top:4px; font-style:italic; }
  .msg.note { align-self:flex-end; color:var(--muted); font-size:12px; background:none; padding:0 4px; }
  #auth.shown { display:flex; }
  #control-link { font-size:13px; color:var(--muted); }
</style>
</head>
<body>
<header><h1>Switchboard</h1><span id="agent"></span><span id="status" data-state="connecting">connecting…</span><button id="abort" type="button" hidden>Stop</button><a id="control-link" href="/control">Control UI</a></header>
<div id="auth"><label for="token">This gateway needs a token:</label><input id="token" type="password" autocomplete="off"><button id="save-token" type="button">Connect</button><span id="auth-error"></span></div>
<main id="log" aria-live="polite"></main>
<form id="composer"><textarea id="input" rows="2" placeholder="Message" aria-label="Message"></textarea><button id="send" type="submit" disabled>Send</button></form>
<script>
"use strict";
const params = new URLSearchParams(location.search);
const sessionKey = params.get("session") || "main";
const log = document.getElementById("log"), input = document.getElementById("input"), sendButton = document.getElementById("send");
const statusEl = document.getElementById("status"), abortButton = document.getElementById("abort");
let ws = null, connected = false, nextId = 1, pending = new Map(), runs = new Map(), attempt = 0, activeRun = null, needToken = false;

function setStatus(state, text) { statusEl.dataset.state = state; statusEl.textContent = text; }

\#(markdownRenderer)
function addMessage(role, text, opts = {}) {
  const empty = document.getElementById("empty"); if (empty) empty.remove();
  const el = document.createElement("div");
  el.className = "msg " + role + (opts.streaming ? " streaming" : "");
  if (role === "assistant") { el.innerHTML = renderMarkdown(text); } else { el.textContent = text; }
  log.appendChild(el); log.scrollTop = log.scrollHeight;
  return el;
}
// Shown instead of a blank page until the first message.
function showEmpty() {
  if (log.querySelector(".msg")) return;
  const el = document.createElement("div"); el.id = "empty"; el.className = "empty";
  el.textContent = "No messages yet. Type below and press Enter — the answer streams in here.";
  log.appendChild(el);
}
// A short line in an answer: a tool the agent used, or that the answer was stopped.
function addNote(el, className, text) {
  const note = document.createElement("span"); note.className = className; note.textContent = text;
  if (className === "tool") { el.insertBefore(note, el.firstChild); } else { el.appendChild(note); }
}
function toolNames(message) { return (message && message.content || []).filter(b => b.type === "toolCall").map(b => b.name || "tool"); }
function textOf(message) { return (message && message.content || []).filter(b => b.type === "text").map(b => b.text || "").join(""); }

function request(method, params) {
  return new Promise((resolve, reject) => {
    if (!ws || ws.readyState !== WebSocket.OPEN) { reject(new Error("not connected")); return; }
    const id = String(nextId++);
    pending.set(id, { resolve, reject });
    ws.send(JSON.stringify({ type: "req", id, method, params }));
  });
}

function connect() {
  setStatus(attempt ? "reconnecting" : "connecting", attempt ? "reconnecting…" : "connecting…");
  const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/";
  ws = new WebSocket(url);
  ws.onmessage = (event) => handleFrame(JSON.parse(event.data));
  ws.onclose = () => {
    connected = false; sendButton.disabled = true;
    for (const { reject } of pending.values()) reject(new Error("connection closed"));
    pending.clear();
    if (needToken) return;
    const delay = Math.min(10000, 500 * 2 ** Math.min(attempt++, 5));
    setStatus("reconnecting", "disconnected; retrying in " + Math.round(delay / 1000) + " s");
    setTimeout(connect, delay);
  };
}

function handleFrame(frame) {
  if (frame.type === "event" && frame.event === "connect.challenge") { sendConnect(); return; }
  if (frame.type === "res") {
    const p = pending.get(frame.id); if (!p) return; pending.delete(frame.id);
    frame.ok ? p.resolve(frame.payload) : p.reject(Object.assign(new Error(frame.error && frame.error.message), { details: frame.error && frame.error.details }));
    return;
  }
  if (frame.type === "event" && frame.event === "chat") onChat(frame.payload);
  if (frame.type === "event" && frame.event === "agent") onAgent(frame.payload);
  if (frame.type === "event" && frame.event === "shutdown") setStatus("reconnecting", "gateway restarting…");
}

async function sendConnect() {
  const token = localStorage.getItem("switchboard.token");
  const connectParams = {
    minProtocol: 3, maxProtocol: 3,
    client: { id: "webchat-ui", displayName: "WebChat", version: "1", platform: "web", mode: "webchat", instanceId: instanceId() },
    role: "operator", scopes: ["operator.read", "operator.write"], caps: ["tool-events"], userAgent: navigator.userAgent, locale: navigator.language
  };
  if (token) connectParams.auth = { token };
  try {
    await request("connect", connectParams);
    attempt = 0; needToken = false;
    document.getElementById("auth").classList.remove("shown");
    // History first: it replaces the log, so a message typed before it arrived would vanish.
    await loadHistory();
    connected = true;
    setStatus("connected", "connected"); sendButton.disabled = false;
  } catch (error) {
    const code = error.details && error.details.code || "";
    if (code.startsWith("AUTH_")) {
      needToken = true;
      document.getElementById("auth").classList.add("shown");
      document.getElementById("auth-error").textContent = token ? error.message : "";
      setStatus("disconnected", "token required");
    } else {
      setStatus("disconnected", error.message);
    }
  }
}

function instanceId() {
  let id = sessionStorage.getItem("switchboard.instance");
  if (!id) { id = crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2); sessionStorage.setItem("switchboard.instance", id); }
  return id;
}

async function loadHistory() {
  const history = await request("chat.history", { sessionKey, limit: 200 });
  // A fresh start: no run of the old connection is shown as running any more.
  log.textContent = ""; runs.clear(); activeRun = null; abortButton.hidden = true;
  const messages = (history.messages || []).filter(m => m.role === "user" || m.role === "assistant");
  let tools = [];
  messages.forEach((message, i) => {
    if (message.role === "assistant") {
      tools = tools.concat(toolNames(message));
      const text = textOf(message); if (!text) return;
      const el = addMessage("assistant", text);
      for (const name of tools.reverse()) addNote(el, "tool", "used " + name);
      tools = [];
      if (message.interrupted || message.stopReason === "aborted") addNote(el, "stopped-note", "stopped before it finished");
      return;
    }
    addMessage("user", textOf(message));
    // A question the next one followed without an answer: its run failed or was stopped.
    const next = messages[i + 1];
    if (next && next.role === "user") addMessage("note", "no answer was recorded for this message");
  });
  showEmpty();
  request("sessions.list", { limit: 1 }).then(list => {
    const d = list && list.defaults; if (!d) return;
    document.getElementById("agent").textContent = "agent " + d.agentId + (d.model ? " · " + (d.modelProvider ? d.modelProvider + "/" : "") + d.model : "");
  }).catch(() => {});
}

function onChat(payload) {
  if (!payload || (payload.sessionKey !== sessionKey && !payload.sessionKey.endsWith(":" + sessionKey))) return;
  let el = runs.get(payload.runId);
  const text = textOf(payload.message);
  if (payload.state === "delta") {
    if (!el) { el = addMessage("assistant", "", { streaming: true }); runs.set(payload.runId, el); }
    el.innerHTML = renderMarkdown(text); renderTools(el); log.scrollTop = log.scrollHeight;
    activeRun = payload.runId; abortButton.hidden = false;
  } else {
    if (!el && text) { el = addMessage("assistant", text); }
    if (el) { el.classList.remove("streaming"); if (text) { el.innerHTML = renderMarkdown(text); renderTools(el); } }
    if (payload.state === "error") addMessage("error", payload.errorMessage || "the run failed");
    if (payload.state === "aborted" && el && !text && !el.querySelector(".tool")) el.remove();
    else if (payload.state === "aborted" && el) addNote(el, "stopped-note", "stopped before it finished");
    runs.delete(payload.runId);
    if (activeRun === payload.runId) { activeRun = null; abortButton.hidden = true; }
  }
}

// Tool calls as they start (the page asks for tool events with the `tool-events` cap).
function onAgent(payload) {
  if (!payload || payload.stream !== "tool" || !payload.data || payload.data.phase !== "start") return;
  if (payload.sessionKey && payload.sessionKey !== sessionKey && !payload.sessionKey.endsWith(":" + sessionKey)) return;
  let el = runs.get(payload.runId);
  if (!el) { el = addMessage("assistant", "", { streaming: true }); runs.set(payload.runId, el); }
  el.dataset.tools = (el.dataset.tools ? el.dataset.tools + "," : "") + (payload.data.name || "tool");
  activeRun = payload.runId; abortButton.hidden = false;
  renderTools(el);
}
function renderTools(el) {
  for (const old of el.querySelectorAll(".tool")) old.remove();
  const running = el.classList.contains("streaming");
  for (const name of (el.dataset.tools || "").split(",").filter(Boolean).reverse()) addNote(el, "tool", running ? "using " + name + "…" : "used " + name);
}

document.getElementById("composer").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = input.value.trim(); if (!text || !connected) return;
  input.value = "";
  addMessage("user", text);
  const idempotencyKey = crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random();
  try { await request("chat.send", { sessionKey, message: text, idempotencyKey }); }
  catch (error) { addMessage("error", "not sent: " + error.message); }
});
input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); document.getElementById("composer").requestSubmit(); }
});
abortButton.addEventListener("click", () => { if (activeRun) request("chat.abort", { sessionKey, runId: activeRun }).catch(() => {}); });
document.getElementById("save-token").addEventListener("click", () => {
  localStorage.setItem("switchboard.token", document.getElementById("token").value);
  needToken = false; connect();
});
connect();
</script>
</body>
</html>
"""#
}
