// Pure view logic: wording, formatting and HTML for every page. No Tauri calls here,
// so all of it is unit-tested without a webview. Every piece of text from outside
// (vendor data, errors, log lines, paths) goes through `escape`.

import type {
  Action,
  AuditRecord,
  Waiting,
  ClientOutcome,
  ClientView,
  CommandError,
  FieldView,
  PluginChange,
  PluginRow,
  ProbeOutcome,
  ProbeRecord,
  ServerState,
  ServerStatus,
  Served,
  Settings,
  SignedOut,
  StatusReport,
  TeamView,
  UpdateCheck,
  VendorView,
} from "./api";
import { STATE_WORDS } from "./bindings";

/** Sets each select to its data-value (the `selected` attribute alone is not honoured everywhere). */
export function applySelectValues(root: ParentNode): void {
  for (const sel of root.querySelectorAll<HTMLSelectElement>("select[data-value]")) sel.value = sel.dataset.value!;
}

export function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export function renderError(error: CommandError): string {
  const hint = error.hint ? `<p class="hint">${escape(error.hint)}</p>` : "";
  return `<div class="error" role="alert"><p><strong>${escape(error.code)}</strong>: ${escape(error.message)}</p>${hint}</div>`;
}

/** The probe's classified result, in words a technician acts on. */
export function probeWords(vendor: string, probe: ProbeOutcome): { headline: string; ok: boolean } {
  const v = vendor;
  switch (probe.result) {
    case "ok":
      return { ok: true, headline: `Connected. ${v} accepted these credentials.` };
    case "invalid_credentials":
      return { ok: false, headline: `${v} rejected these credentials. Check the API key/secret and that the API user is active.` };
    case "wrong_region_or_url":
      return { ok: false, headline: `${v} was not found at this address. Check the region, instance URL or subdomain.` };
    case "vendor_unreachable":
      return { ok: false, headline: `Could not reach ${v}. Check the network, proxy or the URL.` };
    case "unexpected_response":
      return { ok: false, headline: `${v} answered in an unexpected way.` };
  }
}

export function renderProbe(vendor: string, probe: ProbeOutcome, saved: boolean | null): string {
  const { headline, ok } = probeWords(vendor, probe);
  const note = saved === false ? `<p class="muted">Nothing was saved: the previous connection, if any, is unchanged.</p>` : "";
  return `<div class="result ${ok ? "good" : "bad"}" role="status"><p><strong>${escape(headline)}</strong></p>
    <p class="small">${escape(probe.message)}</p>${note}</div>`;
}

// ---- Vendors -------------------------------------------------------------------

const CATEGORY_NAMES: Record<string, string> = {
  psa: "PSA",
  rmm: "RMM",
  "psa-rmm": "PSA and RMM",
  documentation: "Documentation",
  security: "Security",
  "email-security": "Email security",
  backup: "Backup",
  network: "Network",
  marketplace: "Marketplace",
  m365: "Microsoft 365 management",
};

export function categoryName(category: string): string {
  return CATEGORY_NAMES[category] ?? category.charAt(0).toUpperCase() + category.slice(1);
}

/** Vendors matching `query` (name, slug, category or description), case-insensitive. */
export function filterVendors(vendors: VendorView[], query: string): VendorView[] {
  const q = query.trim().toLowerCase();
  if (!q) return vendors;
  return vendors.filter((v) =>
    [v.name, v.slug, v.category, categoryName(v.category), v.description].some((s) => s.toLowerCase().includes(q)),
  );
}

/** Groups by category, categories and vendors sorted by display name. */
export function groupByCategory(vendors: VendorView[]): [string, VendorView[]][] {
  const groups = new Map<string, VendorView[]>();
  for (const v of vendors) {
    const list = groups.get(v.category) ?? [];
    list.push(v);
    groups.set(v.category, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => categoryName(a).localeCompare(categoryName(b)))
    .map(([c, list]) => [c, [...list].sort((a, b) => a.name.localeCompare(b.name))]);
}

/** Companion plugins by vendor slug; `problem` when Claude Code's settings cannot be read. */
export interface PluginState {
  rows: Record<string, PluginRow>;
  problem: string | null;
}

export const NO_PLUGINS: PluginState = { rows: {}, problem: null };

/** Enabled in Claude Code's user settings (the window's switches edit only those). */
export const pluginOn = (p: PluginRow): boolean => p.enabled_in.some((s) => s.kind === "user");

export function renderCatalog(vendors: VendorView[], query: string, plugins: PluginState = NO_PLUGINS): string {
  const shown = filterVendors(vendors, query);
  if (shown.length === 0) return `<p class="muted">No vendor matches “${escape(query)}”.</p>`;
  const problem = plugins.problem
    ? `<p class="small warn" id="plugins-problem">Plugin switches are off: ${escape(plugins.problem)}</p>`
    : "";
  return (
    problem +
    groupByCategory(shown)
      .map(
        ([category, list]) => `
      <section class="group">
        <h2>${escape(categoryName(category))}</h2>
        <ul class="vendors">${list.map((v) => vendorCard(v, plugins.problem ? undefined : plugins.rows[v.slug])).join("")}</ul>
      </section>`,
      )
      .join("")
  );
}

/** A switch that enables a vendor's companion plugin in Claude Code. */
export function pluginSwitch(vendorName: string, p: PluginRow, id?: string): string {
  const on = pluginOn(p);
  return `<label class="plugin-switch small"><input type="checkbox" role="switch"${id ? ` id="${escape(id)}"` : ""} data-plugin="${escape(p.vendor)}"${on ? " checked" : ""} aria-label="${escape(vendorName)}'s plugin ${escape(p.plugin)} in Claude Code"> Claude Code plugin <code>${escape(p.plugin)}</code></label>`;
}

/** The form's plugin section: what the plugin is and its switch. */
export function renderPluginSection(vendorName: string, p: PluginRow | undefined, problem: string | null): string {
  if (!p) return "";
  const body = problem
    ? `<p class="small warn">Claude Code's settings cannot be changed: ${escape(problem)}</p>`
    : `${pluginSwitch(vendorName, p, "plugin-switch")}
      <p class="help">Skills and slash commands that teach Claude how to use ${escape(vendorName)}'s tools, from the <code>${escape(p.id.split("@")[1] ?? "")}</code> marketplace, enabled in Claude Code's user settings.</p>`;
  return `<section class="plugin" aria-labelledby="plugin-head"><h3 id="plugin-head">Companion plugin</h3>${body}<div id="plugin-result" aria-live="polite"></div></section>`;
}

/** After connecting: offer the vendor's plugin when it is not enabled yet. */
export function renderPluginOffer(vendorName: string, p: PluginRow): string {
  return `<div class="offer" id="plugin-offer" role="group" aria-labelledby="plugin-offer-text"><p id="plugin-offer-text">Enable ${escape(vendorName)}'s companion plugin <code>${escape(p.plugin)}</code> in Claude Code? It adds skills and commands for these tools.</p>
    <button type="button" id="plugin-offer-enable" class="primary">Enable plugin</button> <button type="button" id="plugin-offer-dismiss">Not now</button></div>`;
}

/** What a plugin switch changed. */
export function renderPluginChange(change: PluginChange, enabled: boolean): string {
  const ids = change.plugins.map((id) => `<code>${escape(id)}</code>`).join(", ");
  const what =
    change.plugins.length === 0
      ? "Nothing to change."
      : `${enabled ? "Enabled" : "Disabled"} ${ids} in ${escape(change.path)}.${enabled ? " Claude Code loads it in its next session." : ""}`;
  const warnings = change.warnings.map((w) => `<p class="small warn">${escape(w)}</p>`).join("");
  const backup = change.backup ? `<p class="small">The previous file is kept at ${escape(change.backup)}.</p>` : "";
  return `<div class="result good" role="status"><p>${what}</p>${warnings}${backup}</div>`;
}

const LAST_PROBE_WORDS: Record<ProbeOutcome["result"], string> = {
  ok: "passed",
  invalid_credentials: "credentials rejected",
  wrong_region_or_url: "wrong region or URL",
  vendor_unreachable: "vendor unreachable",
  unexpected_response: "unexpected answer",
};

/** "Last test: passed (2026-11-22 10:00)" for a connected vendor's card. */
export function lastProbeWords(probe: ProbeRecord): string {
  const when = probe.at ? ` (${probe.at.replace("T", " ").replace(/:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$/, "")})` : "";
  return `Last test: ${LAST_PROBE_WORDS[probe.result] ?? probe.result}${when}`;
}

function vendorCard(v: VendorView, plugin?: PluginRow): string {
  const probe = v.connected ? v.connection?.last_probe : null;
  const last = probe
    ? `<span class="small last ${probe.result === "ok" ? "" : "warn"}" title="${escape(probe.message)}">${escape(lastProbeWords(probe))}</span>`
    : "";
  return `
    <li class="vendor" data-slug="${escape(v.slug)}">
      <button class="card" type="button" data-open="${escape(v.slug)}" aria-label="${escape(v.name)}: ${v.connected ? "connected" : "connect"}">
        <span class="vendor-head">
          <span class="name">${escape(v.name)}</span>
          <span class="badge ${v.connected ? "on" : "off"}">${v.connected ? "Connected" : "Not connected"}</span>
        </span>
        <span class="desc">${escape(v.description)}</span>
        ${last}
        <span class="card-action">${v.connected ? "Manage…" : "Connect…"}</span>
      </button>
      ${plugin ? pluginSwitch(v.name, plugin) : ""}
    </li>`;
}

function inputType(f: FieldView): string {
  if (f.secret) return "password";
  if (f.kind === "url") return "url";
  if (f.kind === "email") return "email";
  return "text";
}

/** Only http(s) links are rendered as links. */
export function safeUrl(url: string): string {
  return /^https?:\/\//i.test(url) ? url : "#";
}

function connectedNote(v: VendorView): string {
  const c = v.connection;
  const labels = (c?.secret_fields ?? []).map((k) => v.fields.find((f) => f.key === k)?.label ?? k);
  const stored = labels.length
    ? ` Stored in the keychain${c?.keychain_service ? ` (${escape(c.keychain_service)})` : ""}: ${labels.map(escape).join(", ")}.`
    : "";
  return `<p class="small connected-note" id="connected-note">Connected since ${escape(c?.connected_at ?? "?")}.${stored}</p>`;
}

/** The connect form, generated from the catalog's fields. */
export function renderForm(v: VendorView, plugins: PluginState = NO_PLUGINS): string {
  const stored = new Set(v.connection?.secret_fields ?? []);
  const plain = v.connection?.fields ?? {};
  const fields = v.fields
    .map((f) => {
      const id = `field-${escape(f.key)}`;
      const req = f.required ? ` required aria-required="true"` : "";
      const mark = f.required ? ` <span class="req" aria-hidden="true">*</span>` : "";
      let control: string;
      if (f.options.length > 0) {
        const current = plain[f.key] ?? f.default ?? "";
        control = `<select id="${id}" name="${escape(f.key)}" data-value="${escape(current)}"${req}>${f.options
          .map((o) => `<option value="${escape(o)}"${o === current ? " selected" : ""}>${escape(f.option_labels[o] ?? o)}</option>`)
          .join("")}</select>`;
      } else {
        const value = f.secret ? "" : (plain[f.key] ?? f.default ?? "");
        const placeholder = f.secret && stored.has(f.key) ? "Stored in the keychain" : (f.placeholder ?? "");
        control = `<input id="${id}" name="${escape(f.key)}" type="${inputType(f)}" value="${escape(value)}" placeholder="${escape(placeholder)}" autocomplete="off" spellcheck="false"${req}>`;
        if (f.secret) {
          control = `<span class="secret">${control}<button type="button" class="reveal" data-reveal="${id}" aria-pressed="false" aria-label="Show ${escape(f.label)}">Show</button></span>`;
        }
      }
      return `<div class="field">
        <label for="${id}">${escape(f.label)}${mark}</label>
        ${control}
        ${f.secret && stored.has(f.key) ? `<p class="small stored" id="${id}-stored">Stored in the keychain; enter it again to change the connection.</p>` : ""}
        <p class="help" id="${id}-help">${escape(f.help)}</p>
        <p class="invalid" id="${id}-invalid" hidden></p>
      </div>`;
    })
    .join("");
  const connectedTools = v.connected
    ? `<button type="button" id="vendor-test">Test</button> <button type="button" id="vendor-disconnect" class="danger">Disconnect…</button>`
    : "";
  return `<form id="connect-form" data-slug="${escape(v.slug)}" novalidate>
      <div class="form-head">
        <h2>${escape(v.name)}</h2>
        <button type="button" id="form-close" aria-label="Back to the list">✕</button>
      </div>
      <p class="muted">${escape(v.description)} <a href="${escape(safeUrl(v.docs_url))}" target="_blank" rel="noopener" data-docs="${escape(v.slug)}">API documentation</a></p>
      ${v.connected ? connectedNote(v) : ""}
      ${fields}
      <div class="actions">
        <button type="submit" id="connect-submit" class="primary">Test &amp; Save</button>
        ${connectedTools}
      </div>
      <div id="connect-result" aria-live="polite"></div>
      ${renderPluginSection(v.name, plugins.rows[v.slug], plugins.problem)}
    </form>`;
}

/** Required fields left empty, by key. */
export function missingRequired(fields: FieldView[], values: Record<string, string>): string[] {
  return fields.filter((f) => f.required && !(values[f.key] ?? "").trim()).map((f) => f.key);
}

// ---- Servers -------------------------------------------------------------------

/** A state as a label: the words the tray uses too (generated from Rust), capitalised. */
export function stateLabel(state: ServerState): string {
  const words = STATE_WORDS[state];
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : state;
}

export function statePill(state: ServerState): string {
  return `<span class="pill ${escape(state)}">${escape(stateLabel(state))}</span>`;
}

export function humanBytes(bytes: number | null): string {
  if (bytes === null || bytes === undefined) return "—";
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function humanDuration(seconds: number | null): string {
  if (seconds === null || seconds === undefined) return "—";
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
  return `${Math.floor(seconds / 86400)} d ${Math.floor((seconds % 86400) / 3600)} h`;
}

export function renderDaemon(report: StatusReport): string {
  const d = report.daemon;
  return d.running
    ? `<p class="daemon ok">Supervisor running (pid ${escape(String(d.pid ?? "?"))}, version ${escape(d.version ?? "?")})</p>`
    : `<p class="daemon down" role="alert">Supervisor not running. The app starts it again within a few seconds.</p>`;
}

export function renderServers(report: StatusReport, openLogs: Set<string>, logs: Record<string, string[]>): string {
  const rows = report.vendors.filter((v) => v.state !== "not_connected");
  if (rows.length === 0) {
    return `${renderDaemon(report)}<div class="empty"><p>No vendor connected yet.</p><button type="button" id="goto-vendors" data-goto="vendors" class="primary">Connect a vendor</button></div>`;
  }
  return `${renderDaemon(report)}<div id="servers-message" aria-live="polite"></div><table class="servers">
    <thead><tr><th>Vendor</th><th>State</th><th>Served by</th><th>Tools</th><th>Restarts</th><th>Memory</th><th>Uptime</th><th>Last error</th><th></th></tr></thead>
    <tbody>${rows.map((s) => serverRow(s, openLogs.has(s.slug), logs[s.slug])).join("")}</tbody></table>`;
}

function serverRow(s: ServerStatus, open: boolean, lines: string[] | undefined): string {
  const log = open
    ? `<tr class="log-row" data-log-for="${escape(s.slug)}"><td colspan="9"><div class="log-head"><strong>Log</strong> <button type="button" id="logs-refresh-${escape(s.slug)}" data-logs-refresh="${escape(s.slug)}">Refresh</button></div><pre class="log" id="log-${escape(s.slug)}" tabindex="0">${escape(lines === undefined ? "Loading…" : lines.join("\n") || "No log yet.")}</pre></td></tr>`
    : "";
  // A vendor the team gateway serves has no process here to restart, stop or read.
  const actions =
    s.served_by === "gateway"
      ? `<span class="small muted">On the Team page</span>`
      : `<button type="button" id="restart-${escape(s.slug)}" data-restart="${escape(s.slug)}">Restart</button>
        <button type="button" id="stop-${escape(s.slug)}" data-stop="${escape(s.slug)}">Stop</button>
        <button type="button" id="logs-${escape(s.slug)}" data-logs="${escape(s.slug)}" aria-expanded="${open}">${open ? "Hide log" : "Log"}</button>`;
  return `<tr data-slug="${escape(s.slug)}">
      <td>${escape(s.name)}</td><td>${statePill(s.state)}</td><td>${escape(servedWords(s.served_by))}</td><td>${s.tools}</td><td>${s.restarts}</td>
      <td>${humanBytes(s.memory_bytes)}</td><td>${humanDuration(s.uptime_s)}</td>
      <td class="err">${escape(s.last_error ?? "")}</td>
      <td class="row-actions">${actions}</td>
    </tr>${log}`;
}

/** Who serves a vendor, for people. */
export function servedWords(by: Served | null): string {
  if (by === "gateway") return "Team gateway";
  if (by === "local") return "This computer";
  return "—";
}

// ---- Team ----------------------------------------------------------------------

/** When a Unix time is from `now` (seconds), in words. */
export function expiryWords(at: number, now: number): string {
  const left = at - now;
  if (left <= 0) return `expired ${humanDuration(-left)} ago`;
  return `in ${humanDuration(left)}`;
}

/** Where a sign-in is, as the app reports it while the browser is open. */
export interface SignInProgress {
  message: string;
  /** The sign-in page, to open by hand when the browser did not open. */
  url: string | null;
}

export function renderSignInProgress(p: SignInProgress): string {
  const url = p.url
    ? `<p class="small">If your browser did not open, open this address in it:</p><pre class="url" tabindex="0">${escape(p.url)}</pre>`
    : "";
  return `<div class="result pending" role="status"><p>${escape(p.message)}</p>${url}</div>`;
}

export function renderSignedOut(o: SignedOut): string {
  if (!o.endpoint) return `<p class="result good" role="status">Not signed in; nothing to do.</p>`;
  const warn = o.revoke_problem
    ? `<p class="warn">The gateway was not told (${escape(o.revoke_problem)}). The tokens are gone from this computer and expire on their own.</p>`
    : "";
  return `<div class="result good" role="status"><p><strong>Signed out</strong> of ${escape(o.endpoint)}.</p>${warn}</div>`;
}

/** The Team page: the sign-in, and every vendor served with who serves it. */
export function renderTeam(t: TeamView, now: number): string {
  let head: string;
  if (t.signed_in) {
    const rows: [string, string][] = [["Gateway", t.endpoint]];
    if (t.oauth) {
      rows.push(["Account", t.account ?? "(the gateway did not say)"], ["Team", t.team ?? "(the gateway did not say)"]);
      if (t.expires_at !== null) rows.push(["Token", `expires ${expiryWords(t.expires_at, now)}, renewed on its own`]);
    }
    if (t.state) rows.push(["State", stateLabel(t.state)]);
    const problem = t.problem ? `<p class="warn" role="alert">${escape(t.problem)}</p>` : "";
    head = `<h2>Team</h2><dl class="team">${rows.map(([k, v]) => `<dt>${escape(k)}</dt><dd>${escape(v)}</dd>`).join("")}</dl>${problem}
      <div class="actions"><button type="button" id="team-sign-out">Sign out</button></div>`;
  } else {
    const expired = t.problem
      ? `<div class="error" role="alert"><p><strong>Your team sign-in is over:</strong> ${escape(t.problem)}</p><p class="hint">Sign in again below. Vendors connected on this computer keep working.</p></div>`
      : "";
    head = `<h2>Team</h2>${expired}
      <p class="muted">Sign in to your team's hosted gateway to use the vendors your team connected there, without their keys on this computer. Vendors connected here stay served from here.</p>
      <form id="team-form" novalidate>
        <div class="field"><label for="gateway">Gateway address</label>
          <input id="gateway" name="gateway" type="url" value="${escape(t.endpoint)}" spellcheck="false" aria-describedby="gateway-help">
          <p class="help" id="gateway-help">Its address (the MCP endpoint is …/v1/mcp) or its MCP endpoint.</p>
          <p class="invalid" id="gateway-invalid" hidden></p></div>
        <div class="actions"><button type="submit" id="team-sign-in" class="primary">Sign in…</button></div>
      </form>`;
  }
  const vendors = t.vendors.length
    ? `<h3>Vendors</h3><table class="team-vendors"><thead><tr><th>Vendor</th><th>Served by</th><th>Tools</th></tr></thead><tbody>${t.vendors
        .map((v) => `<tr data-slug="${escape(v.slug)}"><td>${escape(v.name)}</td><td>${escape(servedWords(v.served_by))}</td><td>${v.tools}</td></tr>`)
        .join("")}</tbody></table>
      <p class="small muted">A vendor connected on this computer is served from here; pin one to a source with <code>switchboard vendors source &lt;slug&gt; local|gateway|auto</code>.</p>`
    : `<p class="muted">No vendor is served yet.</p>`;
  return `${head}<div id="team-result" aria-live="polite"></div>${vendors}`;
}

// ---- Clients -------------------------------------------------------------------

export function clientState(c: ClientView): string {
  if (c.problem) return `Config problem: ${c.problem}`;
  if (c.installed && !c.command_ok) return "Installed, but the command is missing";
  return c.installed ? "Installed" : "Not installed";
}

const ACTION_WORDS: Record<Action, string> = {
  added: "Installed",
  updated: "Updated",
  unchanged: "Already installed",
  removed: "Removed",
  not_installed: "Was not installed",
};

export function renderDiff(diff: string): string {
  if (!diff) return `<p class="muted">No change needed.</p>`;
  const lines = diff.split("\n").map((l) => {
    const cls = l.startsWith("+") && !l.startsWith("+++") ? "add" : l.startsWith("-") && !l.startsWith("---") ? "del" : "";
    return `<span class="${cls}">${escape(l)}</span>`;
  });
  return `<pre class="diff">${lines.join("\n")}</pre>`;
}

/** A preview: the diff, and a button that writes exactly this change (when there is one). */
export function renderPreview(o: ClientOutcome, uninstall: boolean): string {
  const verb = uninstall ? "Uninstalling" : "Installing";
  if (!o.diff) return `<p class="small">${verb}: ${escape(o.path)}</p>${renderDiff("")}`;
  const write = uninstall
    ? `<button type="button" id="write-${o.client}" data-uninstall="${o.client}" class="danger">Write this change</button>`
    : `<button type="button" id="write-${o.client}" data-install="${o.client}" class="primary">Write this change</button>`;
  const warnings = o.warnings.map((w) => `<p class="warn">${escape(w)}</p>`).join("");
  return `<p class="small">${verb} would change ${escape(o.path)}:</p>${renderDiff(o.diff)}${warnings}<div class="actions">${write} <button type="button" data-dismiss="${o.client}">Cancel</button></div>`;
}

export function renderOutcome(o: ClientOutcome): string {
  const backup = o.backup ? `<p class="small">Previous file kept at ${escape(o.backup)}</p>` : "";
  const warnings = o.warnings.map((w) => `<p class="warn">${escape(w)}</p>`).join("");
  return `<div class="result good" role="status"><p><strong>${ACTION_WORDS[o.action]}</strong> — ${escape(o.path)}</p>${backup}${warnings}</div>`;
}

export function renderClients(clients: ClientView[]): string {
  return clients
    .map(
      (c) => `<section class="client" data-client="${c.client}">
        <div class="client-head"><h2>${escape(c.name)}</h2><span class="badge ${c.installed && c.command_ok ? "on" : "off"}">${escape(clientState(c))}</span></div>
        <p class="small path">${escape(c.path)}</p>
        <div class="actions">
          <button type="button" id="preview-${c.client}" data-preview="${c.client}" data-uninstall-preview="${c.installed}"${c.problem ? ` disabled data-disabled="true"` : ""}>Preview</button>
          ${
            c.installed
              ? `<button type="button" id="uninstall-${c.client}" data-uninstall="${c.client}">Uninstall</button>`
              : `<button type="button" id="install-${c.client}" data-install="${c.client}" class="primary"${c.problem ? ` disabled data-disabled="true" title="Fix the config file first"` : ""}>Install</button>`
          }
        </div>
        <div class="client-result" id="result-${c.client}" aria-live="polite"></div>
      </section>`,
    )
    .join("");
}

// ---- Settings ------------------------------------------------------------------

export const LOG_LEVELS: Settings["log_level"][] = ["error", "warn", "info", "debug", "trace"];

export function renderSettings(s: Settings): string {
  const by = escape(s.managed_by ?? "your MSP");
  const locked = (setting: string) => (s.locked ?? []).includes(setting);
  // A setting the MSP's preset locks: read-only, and says who manages it.
  const lock = (setting: string) => (locked(setting) ? " disabled" : "");
  const managed = (setting: string) => (locked(setting) ? `<p class="managed">Managed by ${by}</p>` : "");
  const banner = s.managed_by ? `<p class="managed" id="managed-banner">Some settings are managed by ${by}.</p>` : "";
  return `<form id="settings-form" novalidate>
      <h2>Settings</h2>${banner}
      <div class="field"><label for="idle">Stop an idle vendor server after (minutes)</label>
        <input id="idle" name="idle" type="number" min="1" step="1" inputmode="numeric" value="${secondsToMinutes(s.idle_timeout_s)}" aria-describedby="idle-help"${lock("supervisor.idle_timeout_s")}>
        <p class="help" id="idle-help">A stopped server starts again on the next call. At least 1 minute.</p>${managed("supervisor.idle_timeout_s")}
        <p class="invalid" id="idle-invalid" hidden></p></div>
      <div class="field check"><input id="compact" name="compact" type="checkbox"${s.compact ? " checked" : ""} aria-describedby="compact-help"${lock("supervisor.compact")}>
        <label for="compact">Compact mode</label>
        <p class="help" id="compact-help">Show Claude two search/call tools instead of every vendor tool — for many vendors.</p>${managed("supervisor.compact")}</div>
      <div class="field check"><input id="autostart" name="autostart" type="checkbox"${s.start_at_login ? " checked" : ""}>
        <label for="autostart">Start at login</label></div>
      <div class="field"><label for="level">Log level</label>
        <select id="level" name="level" data-value="${escape(s.log_level)}">${LOG_LEVELS.map((l) => `<option value="${l}"${l === s.log_level ? " selected" : ""}>${l}</option>`).join("")}</select></div>
      <div class="field"><label for="endpoint">Update endpoint</label>
        <input id="endpoint" name="endpoint" type="url" value="${escape(s.update_endpoint)}" spellcheck="false" aria-describedby="endpoint-help"${lock("updates.endpoint")}>
        <p class="help" id="endpoint-help">Where “Check for updates” looks. Leave empty for the built-in one.</p>${managed("updates.endpoint")}</div>
      <div class="field check"><input id="daily" name="daily" type="checkbox"${s.check_updates_daily !== false ? " checked" : ""} aria-describedby="daily-help"${lock("updates.check_daily")}>
        <label for="daily">Check for updates once a day</label>
        <p class="help" id="daily-help">Switchboard says when a new version is out; it installs only when you click Install.${s.version ? ` You have ${escape(s.version)}.` : ""}</p>${managed("updates.check_daily")}</div>
      <fieldset class="field"><legend>Plugin marketplace</legend>
        <p class="help" id="market-help">Where the vendors' companion plugins come from. Leave both empty for the vendors' public marketplace (msp-claude-plugins); an MSP may name its own.</p>
        <label for="market-name">Name</label>
        <input id="market-name" name="market-name" type="text" value="${escape(s.plugin_marketplace_name ?? "")}" placeholder="msp-claude-plugins" spellcheck="false" aria-describedby="market-help">
        <label for="market-source">Source</label>
        <input id="market-source" name="market-source" type="text" value="${escape(s.plugin_marketplace ?? "")}" placeholder="owner/repo, a git or https URL, or a folder" spellcheck="false" aria-describedby="market-help">
        <p class="invalid" id="market-invalid" hidden></p></fieldset>
      <div class="actions"><button type="submit" id="settings-save" class="primary">Save</button></div>
      <div id="settings-result" aria-live="polite"></div>
      <div class="actions"><button type="button" id="check-updates">Check for updates</button></div>
      <div id="update-result" aria-live="polite"></div></form>`;
}

export function renderUpdate(u: UpdateCheck): string {
  if (u.status === "available") {
    const notes = u.notes ? `<pre class="notes">${escape(u.notes)}</pre>` : "";
    const latest = escape(u.latest ?? "?");
    return `<div class="result good" role="status"><p><strong>Version ${latest} is available.</strong> You have ${escape(u.current)}.</p>${notes}
      <div class="actions"><button type="button" id="install-update" class="primary">Install Switchboard ${latest}</button></div>
      <p class="help">Switchboard downloads it, checks its signature, installs it and restarts.</p></div>`;
  }
  return `<p class="result good" role="status">Switchboard ${escape(u.current)} is up to date.</p>`;
}

export const secondsToMinutes = (s: number): number => Math.max(1, Math.round(s / 60));
export const minutesToSeconds = (m: number): number => Math.max(1, Math.round(m)) * 60;

// ---- Activity ------------------------------------------------------------------

const OUTCOME_WORDS: Record<AuditRecord["outcome"], string> = {
  ok: "done",
  tool_error: "the tool reported an error",
  failed: "failed",
  denied: "denied by the policy",
  declined: "declined",
  timed_out: "not approved in time",
};

/** The calls waiting for approval, each with Approve and Deny; then the recent calls. */
export function renderActivity(waiting: Waiting[], records: AuditRecord[]): string {
  const calls = waiting.length
    ? `<ul class="approvals">${waiting
        .map(
          (w) => `<li class="approval" data-approval="${w.id}">
        <p><strong>${escape(w.tool)}</strong> asked by ${escape(w.client ?? "a client")} since ${escape(w.since.replace("T", " ").replace(/\.\d+Z$|Z$/, ""))}</p>
        <pre class="args">${escape(JSON.stringify(w.arguments, null, 2) ?? "")}</pre>
        <p class="small">Denied after ${w.timeout_s} s unless you answer.</p>
        <div class="actions"><button type="button" class="primary" data-approve="${w.id}">Approve</button> <button type="button" class="danger" data-deny="${w.id}">Deny</button></div>
      </li>`,
        )
        .join("")}</ul>`
    : `<p class="muted" id="no-approvals">No call is waiting for your approval.</p>`;
  const rows = records
    .map(
      (r) => `<tr data-outcome="${escape(r.outcome)}"><td>${escape(r.time.replace("T", " ").replace(/\.\d+Z$|Z$/, ""))}</td><td>${escape(r.tool)}</td><td>${escape(r.client ?? "—")}</td>
        <td>${escape(r.decision)}${r.approved_by ? ` (${escape(r.approved_by)})` : ""}</td><td>${escape(OUTCOME_WORDS[r.outcome] ?? r.outcome)}</td><td>${r.duration_ms.toFixed(1)} ms</td></tr>`,
    )
    .join("");
  const table = records.length
    ? `<table class="audit"><thead><tr><th>Time (UTC)</th><th>Tool</th><th>Client</th><th>Policy</th><th>Outcome</th><th>Took</th></tr></thead><tbody>${rows}</tbody></table>`
    : `<p class="muted">No calls recorded yet.</p>`;
  return `<section aria-labelledby="waiting-head"><h2 id="waiting-head">Waiting for your approval</h2>${calls}<div id="approval-result" aria-live="polite"></div></section>
    <section aria-labelledby="audit-head"><h2 id="audit-head">Recent calls</h2>
    <p class="help">Every tool call through Switchboard, from the local audit record (arguments and results are not kept). <code>switchboard audit</code> has all of it.</p>${table}</section>`;
}
