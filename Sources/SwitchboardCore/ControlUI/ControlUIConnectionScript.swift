/// The Control UI's connection: a device identity (an Ed25519 key made by WebCrypto, its
/// private half non-extractable in IndexedDB), the signed `connect`, the gate shown while the
/// browser is not yet allowed in (token prompt, pairing wait, insecure page), reconnects with
/// backoff, requests with timeouts, and event fan-out to the views. Admin comes only from a
/// paired device: silently on the gateway host with the gateway's secret, or approved with
/// `switchboard devices approve` (the gateway's rules; this page cannot widen them).
enum ControlUIConnectionScript {
    static let source = #"""
"use strict";
const SCOPES = ["operator.admin", "operator.read", "operator.write", "operator.approvals", "operator.pairing"];
const CLIENT = { id: "openclaw-control-ui", displayName: "Control UI", version: "1", platform: "web", mode: "ui" };
const DEVICE_TOKEN = "switchboard.control.deviceToken", SECRET = "switchboard.control.secret";
const $ = (id) => document.getElementById(id);
let ws = null, nextId = 1, attempt = 0, connected = false, hello = null, reconnectTimer = null, gateReason = null;
const pending = new Map(), eventHandlers = new Map(), connectedHandlers = [];
// Each tab: `show()` (async; reads what it needs), optional `failed(error)` and `every` (ms).
const views = {};

// Builds an element; strings become text nodes, never markup.
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}
function replace(container, ...children) { container.textContent = ""; for (const child of children.flat()) if (child) container.append(child); }
function emptyState(text) { return el("div", { class: "empty" }, text); }
function errorLine(error) { return el("div", { class: "error" }, error && error.message ? error.message : String(error)); }
function ago(ms) {
  if (!ms) return "—";
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 60) return s + " s ago"; if (s < 3600) return Math.round(s / 60) + " min ago";
  if (s < 86400) return Math.round(s / 3600) + " h ago"; return new Date(ms).toLocaleString();
}
function on(event, handler) { if (!eventHandlers.has(event)) eventHandlers.set(event, []); eventHandlers.get(event).push(handler); }
function onConnected(handler) { connectedHandlers.push(handler); }
function setConn(state, text) { const c = $("conn"); c.dataset.state = state; c.textContent = text; }

function request(method, params, timeoutMs = 30000) {
  return new Promise((resolve, reject) => {
    if (!ws || ws.readyState !== WebSocket.OPEN) { reject(new Error("not connected to the gateway")); return; }
    const id = String(nextId++);
    const timer = setTimeout(() => { pending.delete(id); reject(new Error(method + " timed out")); }, timeoutMs);
    pending.set(id, { resolve: (v) => { clearTimeout(timer); resolve(v); }, reject: (e) => { clearTimeout(timer); reject(e); } });
    ws.send(JSON.stringify({ type: "req", id, method, params: params || {} }));
  });
}

// --- device identity --------------------------------------------------------------------
function openKeys() {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open("switchboard-control", 1);
    open.onupgradeneeded = () => open.result.createObjectStore("keys");
    open.onsuccess = () => resolve(open.result); open.onerror = () => reject(open.error);
  });
}
async function keyStore(mode, action) {
  const db = await openKeys();
  return new Promise((resolve, reject) => {
    const req = action(db.transaction("keys", mode).objectStore("keys"));
    req.onsuccess = () => resolve(req.result); req.onerror = () => reject(req.error);
  });
}
function base64url(bytes) { return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""); }
let identity = null;
async function deviceIdentity() {
  if (identity) return identity;
  let pair = await keyStore("readonly", (s) => s.get("device"));
  if (!pair) {
    pair = await crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"]);
    await keyStore("readwrite", (s) => s.put(pair, "device"));
  }
  const raw = await crypto.subtle.exportKey("raw", pair.publicKey);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", raw));
  identity = { id: [...digest].map((b) => b.toString(16).padStart(2, "0")).join(""), publicKey: base64url(raw), privateKey: pair.privateKey };
  return identity;
}
function instanceId() {
  let id = sessionStorage.getItem("switchboard.control.instance");
  if (!id) { id = crypto.randomUUID(); sessionStorage.setItem("switchboard.control.instance", id); }
  return id;
}

// --- the gate: what stands between this browser and the dashboard -----------------------
function showGate(reason, title, text, opts = {}) {
  gateReason = reason;
  $("gate").hidden = false; $("nav").hidden = true; $("main").hidden = true;
  $("gate-title").textContent = title; $("gate-text").textContent = text;
  $("gate-token").hidden = !opts.secret;
  if (opts.secret) $("gate-token-label").textContent = opts.secret === "password" ? "Gateway password" : "Gateway token";
  $("gate-token-save").dataset.kind = opts.secret || "token";
  $("gate-command").hidden = !opts.command; $("gate-command-text").textContent = opts.command || "";
  $("gate-retry-line").hidden = !opts.retry; $("gate-retry-note").textContent = opts.retryNote || "";
}
function hideGate() { gateReason = null; $("gate").hidden = true; $("nav").hidden = false; $("main").hidden = false; }

function connect() {
  clearTimeout(reconnectTimer);
  if (!window.isSecureContext || !window.crypto || !crypto.subtle) {
    setConn("disconnected", "insecure page");
    showGate("insecure", "This page cannot hold a device key",
      "The Control UI signs in with a key kept in this browser, which browsers only allow on secure pages. Open it on the gateway host (http://127.0.0.1:" + location.port + "/control), or turn on gateway.tls.enabled and open it over https://.");
    return;
  }
  if (!gateReason) setConn(attempt ? "reconnecting" : "connecting", attempt ? "reconnecting…" : "connecting…");
  ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/");
  ws.onmessage = (event) => handleFrame(JSON.parse(event.data));
  ws.onclose = () => {
    const was = connected; connected = false;
    for (const { reject } of pending.values()) reject(new Error("connection closed"));
    pending.clear();
    if (gateReason === "pairing") { reconnectTimer = setTimeout(connect, 4000); return; }
    if (gateReason) return;
    const delay = Math.min(10000, 500 * 2 ** Math.min(attempt++, 5));
    setConn("reconnecting", (was ? "connection lost" : "cannot reach the gateway") + "; retrying in " + Math.max(1, Math.round(delay / 1000)) + " s");
    document.body.dataset.stale = "true";
    reconnectTimer = setTimeout(connect, delay);
  };
}

function handleFrame(frame) {
  if (frame.type === "event" && frame.event === "connect.challenge") { sendConnect(frame.payload && frame.payload.nonce).catch(connectFailed); return; }
  if (frame.type === "res") {
    const p = pending.get(frame.id); if (!p) return; pending.delete(frame.id);
    if (frame.ok) p.resolve(frame.payload);
    else p.reject(Object.assign(new Error((frame.error && frame.error.message) || "request failed"), { details: (frame.error && frame.error.details) || {}, retryAfterMs: frame.error && frame.error.retryAfterMs }));
    return;
  }
  if (frame.type === "event") {
    if (frame.event === "shutdown") setConn("reconnecting", "gateway restarting…");
    for (const handler of eventHandlers.get(frame.event) || []) { try { handler(frame.payload); } catch (e) { console.error(e); } }
  }
}

async function sendConnect(nonce) {
  const me = await deviceIdentity();
  const secret = JSON.parse(sessionStorage.getItem(SECRET) || "null");
  const deviceToken = localStorage.getItem(DEVICE_TOKEN);
  const auth = {};
  if (secret && secret.kind === "password") auth.password = secret.value;
  else if (secret) auth.token = secret.value;
  if (!auth.token && deviceToken) auth.deviceToken = deviceToken;
  const signedAt = Date.now();
  const signed = ["v3", me.id, CLIENT.id, CLIENT.mode, "operator", SCOPES.join(","), String(signedAt), auth.token || auth.deviceToken || "", nonce, CLIENT.platform, ""].join("|");
  const signature = base64url(await crypto.subtle.sign({ name: "Ed25519" }, me.privateKey, new TextEncoder().encode(signed)));
  const params = {
    minProtocol: 3, maxProtocol: 4, client: Object.assign({ instanceId: instanceId() }, CLIENT), role: "operator", scopes: SCOPES,
    caps: ["tool-events"], userAgent: navigator.userAgent, locale: navigator.language,
    device: { id: me.id, publicKey: me.publicKey, signature, signedAt, nonce }
  };
  if (Object.keys(auth).length) params.auth = auth;
  hello = await request("connect", params);
  if (hello.auth && hello.auth.deviceToken) localStorage.setItem(DEVICE_TOKEN, hello.auth.deviceToken);
  sessionStorage.removeItem(SECRET);
  attempt = 0; connected = true; delete document.body.dataset.stale;
  hideGate();
  setConn("connected", "connected");
  $("who").textContent = "device " + me.id.slice(0, 12) + " · " + ((hello.auth && hello.auth.scopes) || SCOPES).map((s) => s.replace("operator.", "")).join(", ");
  for (const handler of connectedHandlers) { try { handler(); } catch (e) { console.error(e); } }
}

function connectFailed(error) {
  const details = (error && error.details) || {};
  const code = details.code || "";
  if (code === "PAIRING_REQUIRED" || code === "NOT_PAIRED") {
    setConn("disconnected", "waiting for approval");
    showGate("pairing", "This browser is waiting for approval",
      "Approve it on the gateway host; this page connects by itself once it is approved. (With a gateway token set, entering the token here on the gateway host pairs it at once.)",
      { command: details.requestId ? "switchboard devices approve " + details.requestId : "switchboard devices list", retry: true, retryNote: "checking every few seconds" });
    return;
  }
  if (code === "AUTH_DEVICE_TOKEN_MISMATCH") { localStorage.removeItem(DEVICE_TOKEN); reconnectSoon(); return; }
  if (code.startsWith("AUTH_TOKEN") || code.startsWith("AUTH_PASSWORD")) {
    const kind = code.startsWith("AUTH_PASSWORD") ? "password" : "token";
    const tried = sessionStorage.getItem(SECRET) !== null;
    sessionStorage.removeItem(SECRET);
    setConn("disconnected", kind + " required");
    showGate("secret", tried ? "That " + kind + " was not accepted" : "Sign in with the gateway " + kind,
      "Enter the gateway's " + kind + " once: this browser is then paired as an admin device and keeps its own device token (the " + kind + " itself is not stored). It is set by gateway.auth." + kind + " in the config.",
      { secret: kind });
    return;
  }
  if (code === "AUTH_RATE_LIMITED") {
    const wait = (error && error.retryAfterMs) || details.retryAfterMs || 10000;
    showGate("limited", "Too many attempts", "The gateway refuses sign-ins from this page for " + Math.ceil(wait / 1000) + " s.", { retry: true });
    reconnectTimer = setTimeout(() => { gateReason = null; connect(); }, wait);
    return;
  }
  setConn("disconnected", error && error.message ? error.message : "connect failed");
  showGate("refused", "The gateway refused this page", (error && error.message) || "connect failed", { retry: true });
}
function reconnectSoon() { gateReason = null; if (ws && ws.readyState === WebSocket.OPEN) ws.close(); else connect(); }

$("gate-token-save").addEventListener("click", () => {
  const value = $("gate-token-input").value; if (!value) return;
  sessionStorage.setItem(SECRET, JSON.stringify({ kind: $("gate-token-save").dataset.kind || "token", value }));
  $("gate-token-input").value = "";
  reconnectSoon();
});
$("gate-retry").addEventListener("click", reconnectSoon);
$("gate-copy").addEventListener("click", () => navigator.clipboard && navigator.clipboard.writeText($("gate-command-text").textContent).catch(() => {}));
"""#
}
