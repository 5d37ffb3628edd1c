/// The Control UI's config tab: a form generated from `config.schema` (one field per key,
/// typed by its schema, with its help and whether it applies hot or after a restart), saved as
/// a merge patch through `config.patch`; and the raw editor saved through `config.set`. Both
/// send the `baseHash` they loaded, so an edit made elsewhere meanwhile is refused, never lost.
enum ControlUIConfigScript {
    static let source = #"""
let configState = null, configRaw = false;
const REDACTED = "__REDACTED__";
function leaves(schema, prefix, out) {
  for (const [name, node] of Object.entries(schema.properties || {})) {
    const path = prefix ? prefix + "." + name : name;
    if (node.type === "object" && node.properties) leaves(node, path, out); else out.push([path, node]);
  }
  return out;
}
function valueAt(object, path) { return path.split(".").reduce((o, k) => (o && typeof o === "object" ? o[k] : undefined), object); }
function typesOf(node) { return Array.isArray(node.type) ? node.type : node.type ? [node.type] : []; }
function inputFor(path, node, value, sensitive) {
  const types = typesOf(node);
  let input;
  if (types.includes("boolean")) { input = el("input", { type: "checkbox" }); input.checked = value === true; input.dataset.initial = String(value === true); input.dataset.kind = "boolean"; return input; }
  if (node.enum) {
    input = el("select", {}, node.enum.map((v) => el("option", { value: v }, v)));
    if (types.includes("null")) input.prepend(el("option", { value: "" }, "(default)"));
    input.value = value === null || value === undefined ? "" : String(value); input.dataset.kind = "enum";
  } else if (types.includes("integer") || types.includes("number")) {
    input = el("input", { type: "number", min: node.minimum, max: node.maximum, step: types.includes("integer") ? 1 : "any" });
    input.value = value === null || value === undefined ? "" : String(value); input.dataset.kind = "number";
  } else if (types.includes("string") && !types.includes("array") && !types.includes("object")) {
    const secret = value === REDACTED;
    input = el("input", { type: secret || sensitive ? "password" : "text", size: 40, autocomplete: "off", placeholder: secret ? "set (hidden); type to replace" : sensitive ? "not set" : "" });
    input.value = secret ? "" : value === null || value === undefined ? "" : String(value); input.dataset.kind = secret ? "secret" : "string";
  } else {
    input = el("textarea", { rows: 2, cols: 50, spellcheck: "false" });
    input.value = value === undefined ? "" : JSON.stringify(value); input.dataset.kind = "json";
  }
  input.dataset.initial = input.value;
  return input;
}
function fieldValue(input, path) {
  switch (input.dataset.kind) {
    case "boolean": return input.checked;
    case "number": if (input.value === "") return null; if (!Number.isFinite(Number(input.value))) throw new Error(path + ": expected a number"); return Number(input.value);
    case "enum": case "string": case "secret": return input.value === "" ? null : input.value;
    default:
      if (input.value.trim() === "") return null;
      try { return JSON.parse(input.value); } catch { throw new Error(path + ": expected JSON (for example [\"a\", \"b\"] or {\"key\": \"value\"})"); }
  }
}
function changedInputs() {
  return [...$("config-form").querySelectorAll("[data-path]")].filter((input) =>
    input.dataset.kind === "boolean" ? String(input.checked) !== input.dataset.initial : input.value !== input.dataset.initial);
}
function configMessage(kind, text) { replace($("config-result"), el("div", { class: "notice" + (kind === "bad" ? " bad" : "") }, text)); }
function describeWrite(result) {
  if (result.applied === "none") return "Saved; no effective setting changed.";
  const keys = result.changed.join(", ");
  if (result.applied === "hot") return "Saved and applied now: " + keys + ".";
  return "Saved: " + keys + ". The gateway restarts to apply it" + (result.restart ? " (in " + Math.round(result.restart.delayMs / 1000) + " s; clients reconnect within about " + Math.ceil(result.restart.expectedMs / 1000) + " s)" : "") + ".";
}
views.config = {
  async show(force) {
    if (configState && !force) return;
    const [schema, current] = await Promise.all([request("config.schema"), request("config.get")]);
    configState = { schema: schema.schema, hints: schema.uiHints || {}, current };
    $("config-path").textContent = current.path + (current.exists ? "" : " (not created yet: defaults apply)") + (current.valid ? "" : " · has problems");
    if (!current.valid) configMessage("bad", "The file has problems: " + (current.issues || []).map((i) => i.message || JSON.stringify(i)).join("; "));
    const groups = new Map();
    for (const [path, node] of leaves(configState.schema, "", [])) {
      const group = path.split(".")[0];
      if (!groups.has(group)) groups.set(group, []);
      const input = inputFor(path, node, valueAt(current.effective, path), (configState.hints[path] || {}).sensitive === true);
      input.dataset.path = path; input.id = "cfg-" + path.replace(/[^\w-]/g, "_");
      const reload = node["x-reload"] === "hot" ? "hot" : "restart";
      groups.get(group).push(el("div", { class: "field" },
        el("label", { for: input.id }, path, " ", el("span", { class: "badge " + reload, title: reload === "hot" ? "applies at once" : "the gateway restarts to apply it" }, reload === "hot" ? "hot" : "restart")),
        input,
        el("div", { class: "help" }, (node.description || "") + (node["x-env"] ? " (environment: " + node["x-env"] + ")" : ""))));
    }
    const sections = [...groups.entries()].map(([group, fields], i) => el("details", { class: "panel", open: i === 0 }, el("summary", {}, el("b", {}, group), " ", el("span", { class: "muted" }, fields.length + " settings")), fields));
    replace($("config-form"), sections, el("div", { class: "toolbar" }, el("button", { type: "button", class: "primary", id: "config-save", onclick: saveForm }, "Save changes"), el("span", { class: "muted" }, "Only the fields you change are written (a merge patch); the file is saved as JSON, with a .bak of the previous one.")));
    $("config-raw-text").value = JSON.stringify(current.config || {}, null, 2);
  },
  failed(error) { configMessage("bad", "Could not load the config: " + error.message); }
};
async function saveForm() {
  const patch = {};
  try {
    for (const input of changedInputs()) {
      const value = fieldValue(input, input.dataset.path);
      const parts = input.dataset.path.split("."); let target = patch;
      for (const part of parts.slice(0, -1)) target = target[part] = target[part] || {};
      target[parts[parts.length - 1]] = value;
    }
  } catch (error) { configMessage("bad", error.message); return; }
  if (!Object.keys(patch).length) { configMessage("", "Nothing changed."); return; }
  await writeConfig("config.patch", JSON.stringify(patch));
}
async function writeConfig(method, raw) {
  try {
    const params = { raw, note: "Control UI" };
    if (configState.current.exists) params.baseHash = configState.current.hash;
    const result = await request(method, params);
    configMessage("", describeWrite(result));
    configState = null;
    if (result.applied !== "restart") await views.config.show(true);
  } catch (error) {
    const stale = /baseHash|changed since|hash/i.test(error.message);
    configMessage("bad", (stale ? "Not saved: the file changed since this page loaded it. Press Reload, then make the edit again. " : "Not saved: ") + error.message);
  }
}
$("config-raw-save").addEventListener("click", () => writeConfig("config.set", $("config-raw-text").value));
$("config-mode").addEventListener("click", () => {
  configRaw = !configRaw;
  $("config-raw").hidden = !configRaw; $("config-form").hidden = configRaw;
  $("config-mode").textContent = configRaw ? "Form" : "Raw JSON5";
});
$("config-reload").addEventListener("click", () => { configState = null; replace($("config-result")); views.config.show(true).catch(views.config.failed); });
onConnected(() => { configState = null; });
"""#
}
