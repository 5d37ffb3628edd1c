/// The Control UI's router (included last, so every view's own reconnect handling runs
/// before the current view is shown again) and its two watching views: the overview (`status`, `health`,
/// readiness warnings, and a chart of the last hour's runs and latency from `status.runs`)
/// and the live log tail (`logs.tail` with its cursor).
enum ControlUIMonitorScript {
    static let source = #"""
// --- views and the router ---------------------------------------------------------------
let refreshTimer = null;
function currentView() { const name = (location.hash || "#overview").slice(1); return views[name] ? name : "overview"; }
function route() {
  const name = currentView();
  views.overview.probed = false;
  for (const section of document.querySelectorAll("main section")) section.classList.toggle("shown", section.id === "view-" + name);
  for (const link of document.querySelectorAll("nav a")) link.classList.toggle("current", link.getAttribute("href") === "#" + name);
  clearInterval(refreshTimer); refreshTimer = null;
  if (!connected) return;
  const view = views[name];
  view.show().catch((error) => view.failed && view.failed(error));
  if (view.every) refreshTimer = setInterval(() => { if (connected) view.show().catch((error) => view.failed && view.failed(error)); }, view.every);
}
window.addEventListener("hashchange", route);
onConnected(route);

// --- overview ---------------------------------------------------------------------------
function stat(value, label) { return el("div", { class: "panel stat" }, el("b", {}, value), el("span", {}, label)); }
function duration(ms) {
  const s = Math.floor(ms / 1000);
  if (s < 60) return s + " s"; if (s < 3600) return Math.floor(s / 60) + " min";
  if (s < 86400) return Math.floor(s / 3600) + " h " + Math.floor((s % 3600) / 60) + " min"; return Math.floor(s / 86400) + " d " + Math.floor((s % 86400) / 3600) + " h";
}
views.overview = {
  every: 5000,
  async show() {
    // A probe (fresh session counts, and a health broadcast to every client) once per visit;
    // the 5 s refreshes read the gateway's cached summary (refreshed every minute).
    const probe = !this.probed; this.probed = true;
    const [status, health] = await Promise.all([request("status"), request("health", probe ? { probe: true } : {})]);
    const runs = status.runs || { active: 0, finished: {}, minutes: [] };
    const finished = runs.finished || {};
    const failed = (finished.error || 0) + (finished.timeout || 0);
    replace($("overview-stats"),
      stat(status.version, "version · up " + duration(status.uptimeMs)),
      stat(status.connections.operators + " / " + status.connections.nodes, "operators / nodes connected"),
      stat((health.sessions && health.sessions.count) || 0, "sessions"),
      stat(runs.active, "agent runs active"),
      stat((finished.ok || 0) + " / " + failed, "runs ok / failed since start"),
      stat(status.authMode + (status.tls && status.tls.enabled ? " · TLS" : ""), "auth" + (status.tls && status.tls.enabled ? " · certificate pinned by clients" : "")));
    const warnings = (health.readiness && health.readiness.warnings) || [];
    replace($("overview-warnings"), warnings.map((w) => el("div", { class: "notice" }, w)));
    drawRuns(runs.minutes || []);
  },
  failed(error) { replace($("overview-warnings"), el("div", { class: "notice bad" }, "Could not read the gateway's status: " + error.message)); }
};

function svg(tag, attrs, text) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}
// Runs per minute as stacked bars (ok, aborted, failed) and mean run time as a line.
function drawRuns(minutes) {
  const chart = $("runs-chart"); chart.textContent = "";
  const now = Math.floor(Date.now() / 60000);
  const slots = new Map(minutes.map((m) => [Math.floor(m.startMs / 60000), m]));
  const maxCount = Math.max(1, ...minutes.map((m) => m.ok + m.failed + m.aborted));
  const maxMean = Math.max(1, ...minutes.map((m) => m.meanMs));
  const width = 600, height = 140, slot = width / 60;
  const points = [];
  for (let i = 0; i < 60; i++) {
    const m = slots.get(now - 59 + i); if (!m) continue;
    let y = height;
    for (const [kind, count] of [["ok", m.ok], ["aborted", m.aborted], ["failed", m.failed]]) {
      if (!count) continue;
      const h = (count / maxCount) * (height - 10);
      y -= h;
      chart.append(svg("rect", { class: kind, x: i * slot + 1, y, width: slot - 2, height: h }));
    }
    points.push((i * slot + slot / 2).toFixed(1) + "," + (height - (m.meanMs / maxMean) * (height - 10)).toFixed(1));
  }
  if (points.length > 1) chart.append(svg("polyline", { class: "latency", points: points.join(" ") }));
  chart.append(svg("text", { x: 2, y: 155 }, "60 min ago"), svg("text", { x: 570, y: 155 }, "now"));
  if (!minutes.length) chart.append(svg("text", { x: 220, y: 75 }, "No agent runs in the last hour"));
  $("runs-legend").textContent = minutes.length
    ? "Bars: runs per minute (green ok, amber stopped, red failed; tallest " + maxCount + "). Line: mean run time (highest " + (maxMean / 1000).toFixed(1) + " s)."
    : "Runs and their latency appear here as the agent answers.";
}

// --- logs ---------------------------------------------------------------------------------
const LEVELS = ["trace", "debug", "info", "notice", "warning", "error", "critical"];
let logCursor = null;
function logLine(raw) {
  let entry; try { entry = JSON.parse(raw); } catch { return el("div", {}, raw); }
  const extras = Object.entries(entry).filter(([k]) => !["ts", "level", "msg", "label", "source"].includes(k)).map(([k, v]) => k + "=" + (typeof v === "string" ? v : JSON.stringify(v)));
  const line = el("div", { class: entry.level || "" }, (entry.ts || "") + " " + (entry.level || "").toUpperCase() + " " + (entry.msg || "") + (extras.length ? "  " + extras.join(" ") : ""));
  line.dataset.level = entry.level || "info";
  return line;
}
function applyLevel() {
  const min = LEVELS.indexOf($("logs-level").value);
  for (const line of $("logs").children) line.hidden = LEVELS.indexOf(line.dataset.level || "info") < min;
}
views.logs = {
  every: 1500,
  async show() {
    if (!$("logs-follow").checked && logCursor !== null) return;
    const result = await request("logs.tail", logCursor === null ? { limit: 300 } : { cursor: logCursor, limit: 500 });
    const box = $("logs");
    const atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 20;
    if (result.reset || logCursor === null) box.textContent = "";
    if (result.truncated) box.append(el("div", { class: "muted" }, "… earlier lines skipped"));
    for (const raw of result.lines || []) box.append(logLine(raw));
    while (box.children.length > 1500) box.firstChild.remove();
    if (!box.children.length) box.append(el("div", { class: "empty" }, "The log is empty so far."));
    else { const first = box.querySelector(".empty"); if (first && box.children.length > 1) first.remove(); }
    logCursor = result.cursor;
    $("logs-file").textContent = result.file ? "from " + result.file : "";
    applyLevel();
    if (atBottom) box.scrollTop = box.scrollHeight;
  },
  failed(error) {
    const text = "Could not read the log: " + error.message, last = $("logs").lastElementChild;
    if (!last || last.textContent !== text) $("logs").append(el("div", { class: "error" }, text));
  }
};
$("logs-level").addEventListener("change", applyLevel);
"""#
}
