/// The Control UI's operations tabs: channels (`channels.status`, DM pairing codes with
/// `channels.pairing.list/approve`), devices and nodes (`device.pair.*`, `node.list`,
/// `node.pair.*`, refreshed live by their events) and cron jobs (`cron.*`).
enum ControlUIOperationsScript {
    static let source = #"""
// --- channels -----------------------------------------------------------------------------
function yesNo(value, yes, no) { return el("span", { class: value ? "ok" : "muted" }, value ? yes : no); }
views.channels = {
  every: 10000,
  async show() {
    const status = await request("channels.status");
    const cards = (status.channelOrder || []).map((id) => {
      const channel = (status.channels || {})[id] || {};
      const accounts = (status.channelAccounts || {})[id] || [];
      const facts = [yesNo(channel.configured, "configured", "not configured"), " · ", yesNo(channel.running, "running", "stopped"), " · ", yesNo(channel.connected, "connected", "not connected")];
      if (channel.clients !== undefined) facts.push(" · " + channel.clients + " browser(s)");
      if (channel.outbox) facts.push(" · outbox " + (channel.outbox.pending || 0) + " pending, " + (channel.outbox.failed || 0) + " failed");
      const problems = [channel.lastError].concat(accounts.map((a) => a.lastError)).filter(Boolean);
      return el("div", { class: "panel", "data-channel": id },
        el("h3", { style: "margin-top:0" }, (status.channelLabels || {})[id] || id),
        el("div", {}, facts),
        accounts.length > 1 ? el("div", { class: "muted" }, accounts.length + " accounts: " + accounts.map((a) => a.accountId + (a.connected ? " (connected)" : "")).join(", ")) : null,
        problems.map((p) => el("div", { class: "error" }, p)),
        !channel.configured && id !== "webchat" ? el("div", { class: "muted" }, "Set it up in the Config tab (channels." + id + ") — the README lists the steps.") : null);
    });
    replace($("channels-list"), cards.length ? cards : [emptyState("No channels are built in.")]);
    await showChannelPairing();
  },
  failed(error) { replace($("channels-list"), errorLine(error)); }
};
async function showChannelPairing() {
  try {
    const list = await request("channels.pairing.list", {});
    const rows = (list.requests || []).map((r) => el("tr", {},
      el("td", {}, r.channel), el("td", {}, r.senderName ? r.senderName + " (" + r.senderId + ")" : r.senderId), el("td", {}, el("code", {}, r.code)),
      el("td", {}, "expires " + new Date(r.expiresAt).toLocaleTimeString()),
      el("td", {}, el("button", { type: "button", class: "primary", onclick: async () => {
        try { await request("channels.pairing.approve", { channel: r.channel, code: r.code }); } catch (error) { alert("Not approved: " + error.message); }
        showChannelPairing();
      } }, "Approve"))));
    replace($("channel-pairing"), rows.length
      ? el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, "Channel"), el("th", {}, "Sender"), el("th", {}, "Code"), el("th", {}, ""), el("th", {}, ""))), el("tbody", {}, rows))
      : emptyState("No one is waiting. When a stranger writes to a channel whose DM policy is “pairing”, their code appears here to approve."));
  } catch (error) { replace($("channel-pairing"), errorLine(error)); }
}

// --- devices and nodes --------------------------------------------------------------------
function table(headers, rows, empty) {
  if (!rows.length) return emptyState(empty);
  return el("table", {}, el("thead", {}, el("tr", {}, headers.map((h) => el("th", {}, h)))), el("tbody", {}, rows));
}
function act(label, method, params, opts = {}) {
  return el("button", { type: "button", class: opts.class || "", onclick: async () => {
    if (opts.confirm && !confirm(opts.confirm)) return;
    try { await request(method, params); } catch (error) { alert(label + " failed: " + error.message); }
    views.devices.show().catch(views.devices.failed);
  } }, label);
}
views.devices = {
  every: 10000,
  async show() {
    const [devices, nodes, nodePairs] = await Promise.all([request("device.pair.list"), request("node.list"), request("node.pair.list").catch(() => ({ pending: [] }))]);
    const mine = identity && identity.id;
    replace($("devices-pending"),
      table(["Device", "From", "Asks for", ""], (devices.pending || []).map((r) => el("tr", { "data-request": r.requestId },
        el("td", {}, el("div", {}, r.displayName || r.clientId || "unnamed device"), el("div", { class: "muted" }, r.deviceId.slice(0, 16) + "… · " + (r.platform || "?"))),
        el("td", {}, r.remoteIp || "—", el("div", { class: "muted" }, ago(r.ts))),
        el("td", {}, (r.role || "operator") + ": " + (r.scopes || []).map((s) => s.replace("operator.", "")).join(", ")),
        el("td", {}, act("Approve", "device.pair.approve", { requestId: r.requestId }, { class: "primary" }), " ", act("Reject", "device.pair.reject", { requestId: r.requestId }, { class: "danger" }))))
        .concat((nodePairs.pending || []).map((r) => el("tr", {},
          el("td", {}, el("div", {}, "node " + (r.displayName || r.nodeId)), el("div", { class: "muted" }, r.nodeId)),
          el("td", {}, r.remoteIp || "—"), el("td", {}, (r.commands || []).join(", ") || "no commands"),
          el("td", {}, act("Approve", "node.pair.approve", { requestId: r.requestId }, { class: "primary" }), " ", act("Reject", "node.pair.reject", { requestId: r.requestId }, { class: "danger" }))))),
        "No device is waiting. A browser, app or node connecting from another machine appears here for approval."));
    replace($("devices-paired"),
      table(["Device", "Roles and scopes", "Last used", ""], (devices.paired || []).map((d) => el("tr", {},
        el("td", {}, el("div", {}, (d.displayName || d.clientId || "unnamed") + (d.deviceId === mine ? " (this browser)" : "")), el("div", { class: "muted" }, d.deviceId.slice(0, 16) + "… · " + (d.platform || "?"))),
        el("td", {}, d.roles.join(", ") + ": " + d.scopes.map((s) => s.replace("operator.", "")).join(", "), d.pairedWithoutAuth ? el("div", { class: "muted" }, "paired while the gateway had no auth") : null),
        el("td", {}, ago(Math.max(0, ...(d.tokens || []).map((t) => t.lastUsedAtMs || 0)) || d.approvedAtMs)),
        el("td", {}, d.deviceId === mine ? null : act("Remove", "device.pair.remove", { deviceId: d.deviceId }, { class: "danger", confirm: "Remove this device? Its tokens stop working at once." })))),
        "No paired devices yet."));
    replace($("nodes-list"),
      table(["Node", "Commands", "State"], (nodes.nodes || []).map((n) => el("tr", {},
        el("td", {}, el("div", {}, n.displayName || n.nodeId), el("div", { class: "muted" }, (n.platform || "?") + (n.remoteIp ? " · " + n.remoteIp : ""))),
        el("td", {}, (n.commands || []).join(", ") || "none"),
        el("td", {}, yesNo(n.connected, "connected", "offline"), n.paired ? " · paired" : "", el("div", { class: "muted" }, "seen " + ago(n.lastSeenAtMs))))),
        "No nodes. A device that connects with role “node” (for example `switchboard node run` on another machine) is listed here with its commands."));
  },
  failed(error) { replace($("devices-pending"), errorLine(error)); }
};
for (const event of ["device.pair.requested", "device.pair.resolved", "node.pair.requested", "node.pair.resolved", "presence"]) {
  on(event, () => { if (currentView() === "devices" && connected) views.devices.show().catch(views.devices.failed); });
}

// --- cron jobs ----------------------------------------------------------------------------
function scheduleText(s) {
  if (!s) return "—";
  if (s.kind === "cron") return s.expr + (s.tz ? " (" + s.tz + ")" : "");
  if (s.kind === "every") return "every " + duration(s.everyMs);
  if (s.kind === "at") return "once at " + new Date(s.at || s.atMs).toLocaleString();
  return s.kind;
}
function cronAct(label, method, params, opts = {}) {
  return el("button", { type: "button", class: opts.class || "", onclick: async () => {
    if (opts.confirm && !confirm(opts.confirm)) return;
    try { await request(method, params); } catch (error) { alert(label + " failed: " + error.message); }
    views.cron.show().catch(views.cron.failed);
  } }, label);
}
views.cron = {
  async show() {
    const [status, list] = await Promise.all([request("cron.status"), request("cron.list", { includeDisabled: true, limit: 200 })]);
    $("cron-status").textContent = (status.enabled ? "scheduler on" : "scheduler off (automation.scheduler.enabled)") + " · " + status.jobs + " job(s)" + (status.nextWakeAtMs ? " · next " + new Date(status.nextWakeAtMs).toLocaleString() : "");
    replace($("cron-list"), table(["Job", "Schedule", "Next / last", ""], (list.jobs || []).map((job) => {
      const state = job.state || {};
      return el("tr", { "data-job": job.id },
        el("td", {}, el("div", {}, job.name || job.id), el("div", { class: "muted" }, job.payload && job.payload.kind === "agentTurn" ? "asks: " + (job.payload.message || "") : (job.payload && job.payload.kind) || "")),
        el("td", {}, scheduleText(job.schedule), job.enabled ? null : el("div", { class: "muted" }, "disabled")),
        el("td", {}, state.nextRunAtMs ? new Date(state.nextRunAtMs).toLocaleString() : "—", el("div", { class: state.lastStatus === "error" ? "error" : "muted" }, state.lastRunAtMs ? "last " + ago(state.lastRunAtMs) + " · " + (state.lastStatus || "") : "never run")),
        el("td", {}, cronAct("Run now", "cron.run", { id: job.id, mode: "force" }), " ",
          cronAct(job.enabled ? "Disable" : "Enable", "cron.update", { id: job.id, patch: { enabled: !job.enabled } }), " ",
          cronAct("Remove", "cron.remove", { id: job.id }, { class: "danger", confirm: "Remove the job " + (job.name || job.id) + "?" })));
    }), "No cron jobs. Add one below, with `switchboard cron add`, or in the automation.jobs file."));
  },
  failed(error) { replace($("cron-list"), errorLine(error)); }
};
on("cron", () => { if (currentView() === "cron" && connected) views.cron.show().catch(views.cron.failed); });
$("cron-refresh").addEventListener("click", () => views.cron.show().catch(views.cron.failed));
$("cron-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("cron-form-error").textContent = "";
  const job = { name: $("cron-name").value.trim(), schedule: { kind: "cron", expr: $("cron-expr").value.trim() }, sessionTarget: "isolated", payload: { kind: "agentTurn", message: $("cron-message").value.trim() } };
  try { await request("cron.add", job); $("cron-form").reset(); views.cron.show().catch(views.cron.failed); }
  catch (error) { $("cron-form-error").textContent = error.message; }
});
"""#
}
