/// The Control UI's sessions (`sessions.list`, `sessions.preview`, `sessions.reset`,
/// `sessions.delete`) and live chat in any session (`chat.history`, `chat.send`, `chat.abort`
/// and the `chat`/`agent` events; v3 whole-text and v4 append deltas both handled).
enum ControlUISessionsScript {
    static let source = #"""
// --- sessions -----------------------------------------------------------------------------
function sessionTitle(row) { return row.label || row.displayName || row.derivedTitle || row.key; }
function sessionNotice(text, bad) { const n = el("div", { class: "notice" + (bad ? " bad" : "") }, text); $("view-sessions").insertBefore(n, $("view-sessions").children[1]); setTimeout(() => n.remove(), 6000); }
views.sessions = {
  async show() {
    const params = { limit: 200, includeDerivedTitles: true };
    const search = $("sessions-search").value.trim(); if (search) params.search = search;
    const list = await request("sessions.list", params);
    const rows = (list.sessions || []).map((row) => el("tr", { "data-key": row.key },
      el("td", {}, el("div", {}, sessionTitle(row)), row.key !== sessionTitle(row) ? el("div", { class: "muted" }, row.key) : null),
      el("td", {}, row.agentId),
      el("td", {}, ago(row.updatedAt)),
      el("td", {}, String(row.messageCount || 0)),
      el("td", {},
        el("button", { type: "button", onclick: () => previewSession(row.key) }, "Preview"), " ",
        el("button", { type: "button", onclick: () => { $("chat-session").value = row.key; location.hash = "#chat"; } }, "Chat"), " ",
        el("button", { type: "button", onclick: () => resetSession(row.key) }, "Reset"), " ",
        el("button", { type: "button", class: "danger", onclick: () => deleteSession(row.key) }, "Delete"))));
    replace($("sessions-rows"), rows);
    $("sessions-empty").hidden = rows.length > 0;
    $("sessions-empty").textContent = search ? "No session matches “" + search + "”." : "No sessions yet. A session appears when someone first writes to the agent — from WebChat, a channel, the CLI or the Chat tab here.";
  },
  failed(error) { replace($("sessions-rows")); $("sessions-empty").hidden = false; replace($("sessions-empty"), errorLine(error)); }
};
async function previewSession(key) {
  for (const tr of $("sessions-rows").children) tr.classList.toggle("selected", tr.dataset.key === key);
  $("preview-title").hidden = false; $("preview").hidden = false; $("preview-title").textContent = "Preview of " + key;
  try {
    const result = await request("sessions.preview", { keys: [key], limit: 12, maxChars: 500 });
    const preview = (result.previews || [])[0];
    if (!preview || preview.status !== "ok" || !preview.items.length) { replace($("preview"), emptyState(preview && preview.status === "missing" ? "This session no longer exists." : "No messages in this session yet.")); return; }
    replace($("preview"), preview.items.map((item) => el("div", { class: "field" }, el("label", {}, item.role), el("div", {}, item.text))));
  } catch (error) { replace($("preview"), errorLine(error)); }
}
async function resetSession(key) {
  if (!confirm("Reset " + key + "? Its conversation starts over (the old transcript is kept).")) return;
  try { await request("sessions.reset", { key, reason: "reset" }); sessionNotice("Reset " + key + "."); } catch (error) { sessionNotice("Reset failed: " + error.message, true); }
  views.sessions.show().catch(views.sessions.failed);
}
async function deleteSession(key) {
  if (!confirm("Delete " + key + " and its transcript? This cannot be undone.")) return;
  try { await request("sessions.delete", { key, deleteTranscript: true }); sessionNotice("Deleted " + key + "."); $("preview").hidden = true; $("preview-title").hidden = true; }
  catch (error) { sessionNotice("Delete failed: " + error.message, true); }
  views.sessions.show().catch(views.sessions.failed);
}
$("sessions-refresh").addEventListener("click", () => views.sessions.show().catch(views.sessions.failed));
$("sessions-search").addEventListener("keydown", (e) => { if (e.key === "Enter") views.sessions.show().catch(views.sessions.failed); });

// --- chat in any session ------------------------------------------------------------------
let chatKey = null, chatRuns = new Map(), chatActive = null;
function sameSession(a, b) { return !!a && !!b && (a === b || a.endsWith(":" + b) || b.endsWith(":" + a)); }
function blockText(message) { return ((message && message.content) || []).filter((b) => b.type === "text").map((b) => b.text || "").join(""); }
function chatBubble(role, text, streaming) {
  const log = $("chat-log"); const empty = log.querySelector(".empty"); if (empty) empty.remove();
  const bubble = el("div", { class: "msg " + role + (streaming ? " streaming" : "") });
  if (role === "assistant") bubble.innerHTML = renderMarkdown(text); else bubble.textContent = text;
  log.append(bubble); log.scrollTop = log.scrollHeight;
  return bubble;
}
views.chat = {
  async show() {
    const key = $("chat-session").value.trim() || "main";
    if (key === chatKey && $("chat-log").children.length) return;
    chatKey = key; chatRuns.clear(); chatActive = null; $("chat-abort").hidden = true;
    const history = await request("chat.history", { sessionKey: key, limit: 200 });
    replace($("chat-log"));
    for (const message of (history.messages || []).filter((m) => m.role === "user" || m.role === "assistant")) {
      const text = blockText(message); if (!text) continue;
      const bubble = chatBubble(message.role, text);
      if (message.interrupted || message.stopReason === "aborted") bubble.append(el("div", { class: "muted" }, "stopped before it finished"));
    }
    if (!$("chat-log").children.length) $("chat-log").append(emptyState("No messages in " + key + " yet. Anything sent here goes to the agent as this session, and answers from any client appear live."));
  },
  failed(error) { replace($("chat-log"), errorLine(error)); }
};
on("chat", (payload) => {
  if (!payload || !sameSession(payload.sessionKey, chatKey)) return;
  let run = chatRuns.get(payload.runId);
  if (payload.state === "delta") {
    if (!run) { run = { text: "", bubble: chatBubble("assistant", "", true) }; chatRuns.set(payload.runId, run); }
    run.text = payload.message ? blockText(payload.message) : run.text + (payload.deltaText || "");
    run.bubble.innerHTML = renderMarkdown(run.text);
    chatActive = payload.runId; $("chat-abort").hidden = false;
    return;
  }
  const text = payload.message ? blockText(payload.message) : (run && run.text) || "";
  if (!run && text) run = { text, bubble: chatBubble("assistant", text) };
  if (run) { run.bubble.classList.remove("streaming"); if (text) run.bubble.innerHTML = renderMarkdown(text); }
  if (payload.state === "error") chatBubble("note", "the run failed: " + (payload.errorMessage || "unknown error"));
  if (payload.state === "aborted" && run) run.bubble.append(el("div", { class: "muted" }, "stopped before it finished"));
  chatRuns.delete(payload.runId);
  if (chatActive === payload.runId) { chatActive = null; $("chat-abort").hidden = true; }
});
// Tool calls as they start (the page asks for tool events with the `tool-events` cap).
on("agent", (payload) => {
  if (!payload || !sameSession(payload.sessionKey, chatKey) || payload.stream !== "tool" || !payload.data || payload.data.phase !== "start") return;
  chatBubble("note", "using " + (payload.data.name || "a tool") + "…");
});
$("chat-open").addEventListener("click", () => { chatKey = null; views.chat.show().catch(views.chat.failed); });
$("chat-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = $("chat-input").value.trim(); if (!text || !chatKey) return;
  $("chat-input").value = "";
  chatBubble("user", text);
  try { await request("chat.send", { sessionKey: chatKey, message: text, idempotencyKey: crypto.randomUUID() }); }
  catch (error) { chatBubble("note", "not sent: " + error.message); }
});
$("chat-abort").addEventListener("click", () => { if (chatActive) request("chat.abort", { sessionKey: chatKey, runId: chatActive }).catch(() => {}); });
onConnected(() => { chatKey = null; });
"""#
}
