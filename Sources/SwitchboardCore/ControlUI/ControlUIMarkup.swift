/// The Control UI's style sheet and static markup. Every view starts with a designed empty
/// state; everything the gateway sends is added with `textContent` by the scripts.
enum ControlUIMarkup {
    static let style = #"""
:root { color-scheme: light dark; --fg:#1d1d1f; --bg:#f5f5f7; --panel:#fff; --accent:#0b63ce; --muted:#6e6e73; --line:#8883; --bad:#c62828; --good:#28a745; --warn:#e0a800; }
@media (prefers-color-scheme: dark) { :root { --fg:#f5f5f7; --bg:#1c1c1e; --panel:#2c2c2e; --muted:#a1a1a6; } }
* { box-sizing: border-box; }
[hidden] { display:none !important; }
body[data-stale] main { opacity:.55; }
body { margin:0; font: 14px/1.45 system-ui, -apple-system, sans-serif; color:var(--fg); background:var(--bg); height:100vh; display:grid; grid-template-rows:auto 1fr; grid-template-columns: 180px 1fr; }
header { grid-column: 1 / 3; display:flex; gap:14px; align-items:center; padding:10px 16px; border-bottom:1px solid var(--line); }
header h1 { font-size:16px; margin:0; flex:1; }
header a { color:var(--muted); font-size:13px; }
#conn { font-size:13px; color:var(--muted); }
#conn[data-state="connected"]::before { content:"● "; color:var(--good); }
#conn[data-state="connecting"]::before, #conn[data-state="reconnecting"]::before { content:"● "; color:var(--warn); }
#conn[data-state="disconnected"]::before { content:"● "; color:var(--bad); }
nav { border-right:1px solid var(--line); padding:8px; display:flex; flex-direction:column; gap:2px; }
nav a { padding:6px 10px; border-radius:6px; color:inherit; text-decoration:none; }
nav a.current { background:var(--accent); color:#fff; }
main { overflow:auto; padding:16px 20px; }
section { display:none; max-width:1100px; }
section.shown { display:block; }
h2 { font-size:18px; margin:0 0 12px; }
h3 { font-size:14px; margin:18px 0 8px; }
.panel { background:var(--panel); border-radius:10px; padding:12px 14px; box-shadow:0 1px 2px #0002; margin-bottom:12px; }
.grid { display:grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap:10px; }
.stat b { display:block; font-size:22px; }
.stat span { color:var(--muted); font-size:12px; }
table { border-collapse:collapse; width:100%; }
th, td { text-align:left; padding:6px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
th { font-size:12px; color:var(--muted); font-weight:600; }
tr.selected { background:#0b63ce22; }
button { font:inherit; padding:5px 12px; border-radius:7px; border:1px solid var(--line); background:var(--panel); color:inherit; cursor:pointer; }
button.primary { background:var(--accent); border-color:var(--accent); color:#fff; }
button.danger { color:var(--bad); }
button[disabled] { opacity:.5; cursor:default; }
input, textarea, select { font:inherit; padding:5px 8px; border-radius:7px; border:1px solid #8886; background:transparent; color:inherit; }
textarea.code { width:100%; min-height:380px; font-family: ui-monospace, Menlo, monospace; font-size:12px; }
.muted { color:var(--muted); }
.empty { color:var(--muted); padding:18px 4px; }
.error { color:var(--bad); }
.ok { color:var(--good); }
.badge { display:inline-block; padding:0 7px; border-radius:9px; font-size:11px; background:#8883; }
.badge.hot { background:#28a74533; }
.badge.restart { background:#e0a80044; }
.toolbar { display:flex; gap:8px; align-items:center; margin-bottom:10px; flex-wrap:wrap; }
.notice { padding:10px 12px; border-radius:8px; background:#e0a80026; margin-bottom:12px; }
.notice.bad { background:#c6282822; }
.notice code, .panel code { font-family: ui-monospace, Menlo, monospace; font-size:12px; background:#8882; padding:1px 4px; border-radius:4px; }
#gate { grid-column: 1 / 3; padding:40px; max-width:640px; }
.field { display:grid; grid-template-columns: minmax(220px, 320px) 1fr; gap:10px; padding:6px 0; border-bottom:1px solid var(--line); align-items:center; }
.field label { font-family: ui-monospace, Menlo, monospace; font-size:12px; overflow-wrap:anywhere; }
.field .help { grid-column: 1 / 3; font-size:12px; color:var(--muted); margin-top:-4px; }
.chat-log { height:50vh; overflow-y:auto; display:flex; flex-direction:column; gap:8px; padding:8px; background:var(--bg); border-radius:8px; }
.msg { max-width:80%; padding:7px 11px; border-radius:12px; overflow-wrap:anywhere; }
.msg.user { align-self:flex-end; background:var(--accent); color:#fff; }
.msg.assistant { align-self:flex-start; background:var(--panel); box-shadow:0 1px 2px #0002; }
.msg.streaming::after { content:"▍"; }
.msg.note { align-self:center; color:var(--muted); font-size:12px; background:none; }
.msg pre { background:#8882; padding:6px; border-radius:6px; overflow-x:auto; }
.logs { font-family: ui-monospace, Menlo, monospace; font-size:12px; height:60vh; overflow-y:auto; background:var(--panel); border-radius:8px; padding:8px; }
.logs div { white-space:pre-wrap; overflow-wrap:anywhere; border-bottom:1px solid #8881; }
.logs .warning, .logs .error, .logs .critical { color:var(--bad); }
svg.chart { width:100%; height:160px; }
svg.chart .ok { fill:var(--good); }
svg.chart .failed { fill:var(--bad); }
svg.chart .aborted { fill:var(--warn); }
svg.chart .latency { fill:none; stroke:var(--accent); stroke-width:2; }
svg.chart text { fill:var(--muted); font-size:10px; }
"""#

    static let body = #"""
<header><h1>Switchboard Control</h1><span id="who" class="muted"></span><span id="conn" data-state="connecting">connecting…</span><a href="/chat">WebChat</a></header>
<div id="gate" hidden>
  <h2 id="gate-title">Connecting…</h2>
  <p id="gate-text" class="muted"></p>
  <div id="gate-token" hidden><p><label id="gate-token-label" for="gate-token-input">Gateway token</label><br><input id="gate-token-input" type="password" autocomplete="off" size="40"> <button id="gate-token-save" class="primary" type="button">Pair this browser</button></p></div>
  <p id="gate-command" hidden><code id="gate-command-text"></code> <button id="gate-copy" type="button">Copy</button></p>
  <p id="gate-retry-line" hidden><button id="gate-retry" type="button">Check again</button> <span id="gate-retry-note" class="muted"></span></p>
</div>
<nav id="nav">
  <a href="#overview">Overview</a><a href="#sessions">Sessions</a><a href="#chat">Chat</a><a href="#channels">Channels</a>
  <a href="#devices">Devices &amp; nodes</a><a href="#cron">Cron jobs</a><a href="#config">Config</a><a href="#logs">Logs</a>
</nav>
<main id="main">
  <section id="view-overview"><h2>Overview</h2>
    <div id="overview-warnings"></div>
    <div class="grid" id="overview-stats"></div>
    <h3>Agent runs, last hour</h3>
    <div class="panel"><svg class="chart" id="runs-chart" viewBox="0 0 600 160" preserveAspectRatio="none" role="img" aria-label="runs per minute and mean latency"></svg>
      <div class="muted" id="runs-legend"></div></div>
  </section>
  <section id="view-sessions"><h2>Sessions</h2>
    <div class="toolbar"><input id="sessions-search" placeholder="Search sessions" aria-label="Search sessions"><button id="sessions-refresh" type="button">Refresh</button></div>
    <div class="panel"><table><thead><tr><th>Session</th><th>Agent</th><th>Updated</th><th>Messages</th><th></th></tr></thead><tbody id="sessions-rows"></tbody></table><div id="sessions-empty" class="empty" hidden></div></div>
    <h3 id="preview-title" hidden>Preview</h3><div id="preview" class="panel" hidden></div>
  </section>
  <section id="view-chat"><h2>Chat</h2>
    <div class="toolbar"><label for="chat-session">Session</label><input id="chat-session" value="main" size="36"><button id="chat-open" type="button">Open</button><button id="chat-abort" type="button" hidden>Stop</button></div>
    <div class="chat-log" id="chat-log" aria-live="polite"></div>
    <form id="chat-form" class="toolbar" style="margin-top:8px"><input id="chat-input" placeholder="Message" aria-label="Message" style="flex:1"><button class="primary" id="chat-send" type="submit">Send</button></form>
  </section>
  <section id="view-channels"><h2>Channels</h2>
    <div id="channels-list"></div>
    <h3>Pairing requests</h3><div class="panel" id="channel-pairing"></div>
  </section>
  <section id="view-devices"><h2>Devices &amp; nodes</h2>
    <h3>Waiting for approval</h3><div class="panel" id="devices-pending"></div>
    <h3>Paired devices</h3><div class="panel" id="devices-paired"></div>
    <h3>Nodes</h3><div class="panel" id="nodes-list"></div>
  </section>
  <section id="view-cron"><h2>Cron jobs</h2>
    <div class="toolbar"><span id="cron-status" class="muted"></span><button id="cron-refresh" type="button">Refresh</button></div>
    <div class="panel" id="cron-list"></div>
    <h3>Add a job</h3>
    <form class="panel toolbar" id="cron-form"><input id="cron-name" placeholder="name" required aria-label="Job name"><input id="cron-expr" placeholder="cron, e.g. 0 9 * * MON-FRI" aria-label="Cron expression" size="24"><input id="cron-message" placeholder="message for the agent" aria-label="Message" size="30"><button class="primary" type="submit">Add</button><span id="cron-form-error" class="error"></span></form>
  </section>
  <section id="view-config"><h2>Config</h2>
    <div class="toolbar"><span id="config-path" class="muted"></span><button id="config-mode" type="button">Raw JSON5</button><button id="config-reload" type="button">Reload</button></div>
    <div id="config-result"></div>
    <div id="config-form"></div>
    <div id="config-raw" hidden><textarea class="code" id="config-raw-text" spellcheck="false" aria-label="Config file"></textarea><div class="toolbar"><button class="primary" id="config-raw-save" type="button">Save file</button><span class="muted">The file as JSON (secrets show as __REDACTED__ and are kept as they are). Saving replaces the whole file, so its comments are not kept; it is saved with the hash it was loaded at, so an edit made elsewhere meanwhile is refused, not overwritten.</span></div></div>
  </section>
  <section id="view-logs"><h2>Logs</h2>
    <div class="toolbar"><label><input type="checkbox" id="logs-follow" checked> Follow</label><select id="logs-level" aria-label="Lowest level"><option value="trace">all</option><option value="info" selected>info and above</option><option value="warning">warnings and errors</option></select><span id="logs-file" class="muted"></span></div>
    <div class="logs" id="logs"></div>
  </section>
</main>
"""#
}
