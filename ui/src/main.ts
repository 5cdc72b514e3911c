// The settings window: four pages over the app's commands (see api.ts). Pages are
// plain DOM; every piece of HTML comes from views.ts.

import { api, EVENTS, onEvent, openDocs, takePendingPage, windowPainted, type CommandError, type Settings, type StatusReport, type TeamView, type VendorView, type ClientId } from "./api";
import * as v from "./views";

export type Page = "vendors" | "servers" | "clients" | "team" | "settings" | "activity";
export const PAGES: Page[] = ["vendors", "servers", "clients", "team", "settings", "activity"];
const isPage = (p: unknown): p is Page => PAGES.includes(p as Page);

interface AppState {
  page: Page;
  vendors: VendorView[];
  open: string | null;
  status: StatusReport | null;
  openLogs: Set<string>;
  logs: Record<string, string[]>;
  team: TeamView | null;
  /** A sign-in under way (from this window or the tray), as the app last reported it. */
  signIn: v.SignInProgress | null;
  /** Each vendor's companion plugin and whether Claude Code enables it. */
  plugins: v.PluginState;
}

const fresh = (): AppState => ({
  page: "vendors",
  vendors: [],
  open: null,
  status: null,
  openLogs: new Set(),
  logs: {},
  team: null,
  signIn: null,
  plugins: v.NO_PLUGINS,
});

export const state: AppState = fresh();

/** Back to a fresh window (tests). */
export function resetState(): void {
  Object.assign(state, fresh());
}

const $ = <T extends HTMLElement>(sel: string, root: ParentNode = document) => root.querySelector<T>(sel);
const main = () => $("#app")!;

function showError(where: HTMLElement, e: unknown): void {
  where.innerHTML = v.renderError(e as CommandError);
}

export async function go(page: Page, slug?: string | null): Promise<void> {
  if (!isPage(page)) page = "vendors";
  state.page = page;
  document.body.dataset.page = page;
  for (const b of document.querySelectorAll<HTMLElement>("nav [data-page]")) {
    b.setAttribute("aria-current", b.dataset.page === page ? "page" : "false");
  }
  $("#search")!.hidden = page !== "vendors";
  if (page === "vendors") {
    state.open = slug ?? null;
    await loadVendors();
  } else if (page === "servers") await loadServers();
  else if (page === "clients") await loadClients();
  else if (page === "team") await loadTeam();
  else if (page === "activity") await loadActivity();
  else await loadSettings();
}

// ---- Vendors -------------------------------------------------------------------

async function loadVendors(): Promise<void> {
  try {
    const [vendors] = await Promise.all([api.vendors(), loadPlugins()]);
    state.vendors = vendors;
    drawVendors();
  } catch (e) {
    showError(main(), e);
  }
}

/** The companion plugins; a settings file Claude Code cannot parse turns the switches off, with why. */
async function loadPlugins(): Promise<void> {
  try {
    const report = await api.plugins();
    const user = report.files.find((f) => f.scope.kind === "user");
    state.plugins = { rows: Object.fromEntries(report.plugins.map((p) => [p.vendor, p])), problem: user?.problem ?? null };
  } catch (e) {
    state.plugins = { rows: {}, problem: (e as CommandError).message ?? String(e) };
  }
}

/** Flips one vendor's plugin in Claude Code's user settings; `where` shows the outcome. */
async function setPlugin(slug: string, enabled: boolean, control: HTMLInputElement | HTMLButtonElement, where: HTMLElement | null): Promise<void> {
  control.disabled = true;
  try {
    const change = await api.setPlugin(slug, enabled);
    await loadPlugins();
    if (where) where.innerHTML = v.renderPluginChange(change, enabled);
  } catch (e) {
    if (control instanceof HTMLInputElement) control.checked = !enabled;
    if (where) showError(where, e);
  } finally {
    control.disabled = false;
  }
}

function drawVendors(keep?: { result: string; html: string }): void {
  const vendor = state.vendors.find((x) => x.slug === state.open);
  if (vendor) {
    main().innerHTML = v.renderForm(vendor, state.plugins);
    v.applySelectValues(main());
    wireForm(vendor);
    if (keep) {
      const result = $("#connect-result")!;
      result.dataset.result = keep.result;
      result.innerHTML = keep.html;
    } else {
      $<HTMLElement>("#connect-form input, #connect-form select")?.focus();
    }
  } else {
    main().innerHTML = v.renderCatalog(state.vendors, $<HTMLInputElement>("#search")!.value, state.plugins);
  }
}

function formValues(form: HTMLFormElement): Record<string, string> {
  const out: Record<string, string> = {};
  for (const el of form.querySelectorAll<HTMLInputElement | HTMLSelectElement>("[name]")) out[el.name] = el.value;
  return out;
}

function wireForm(vendor: VendorView): void {
  const form = $<HTMLFormElement>("#connect-form")!;
  const result = $("#connect-result")!;
  const submit = $<HTMLButtonElement>("#connect-submit")!;
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const values = formValues(form);
    for (const p of form.querySelectorAll<HTMLElement>(".invalid")) p.hidden = true;
    for (const i of form.querySelectorAll("[aria-invalid]")) i.removeAttribute("aria-invalid");
    const missing = v.missingRequired(vendor.fields, values);
    if (missing.length > 0) {
      for (const key of missing) {
        const msg = $(`#field-${CSS.escape(key)}-invalid`)!;
        msg.textContent = "Required.";
        msg.hidden = false;
        const input = $(`#field-${CSS.escape(key)}`);
        input?.setAttribute("aria-invalid", "true");
        input?.setAttribute("aria-describedby", `field-${key}-invalid field-${key}-help`);
      }
      $<HTMLElement>(`#field-${CSS.escape(missing[0])}`)?.focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = "Checking…";
    result.dataset.result = "pending";
    result.innerHTML = `<p class="muted">Checking your credentials with ${v.escape(vendor.name)}…</p>`;
    try {
      const r = await api.connect(vendor.slug, values);
      result.dataset.result = r.probe?.result ?? "ok";
      result.innerHTML = r.probe
        ? v.renderProbe(vendor.name, r.probe, r.saved)
        : `<div class="result good" role="status"><p><strong>Saved.</strong> ${v.escape(vendor.name)} has no live check; the first call will tell.</p></div>`;
      if (r.saved) {
        // Now connected: redraw the form (Test, Disconnect, what the keychain holds), keeping the result.
        const keep = { result: result.dataset.result!, html: result.innerHTML };
        state.vendors = await api.vendors().catch(() => state.vendors);
        if (state.page === "vendors" && state.open === vendor.slug) {
          drawVendors(keep);
          $<HTMLElement>("#connect-result")?.focus();
          offerPlugin(vendor);
        }
      }
    } catch (e) {
      result.dataset.result = "error";
      showError(result, e);
    } finally {
      submit.disabled = false;
      submit.textContent = "Test & Save";
    }
  });
  $("#form-close")?.addEventListener("click", () => closeForm());
  for (const b of form.querySelectorAll<HTMLButtonElement>("[data-reveal]")) {
    b.addEventListener("click", () => {
      const input = $<HTMLInputElement>(`#${b.dataset.reveal}`)!;
      const show = input.type === "password";
      input.type = show ? "text" : "password";
      b.textContent = show ? "Hide" : "Show";
      b.setAttribute("aria-label", (b.getAttribute("aria-label") ?? "").replace(/^(Show|Hide)/, show ? "Hide" : "Show"));
      b.setAttribute("aria-pressed", String(show));
    });
  }
  $("[data-docs]", form)?.addEventListener("click", (ev) => {
    // The app opens the catalog's URL in the browser; the href is there for the hover and the keyboard.
    ev.preventDefault();
    openDocs(vendor.slug).catch((e) => showError(result, e));
  });
  $("#vendor-test")?.addEventListener("click", async () => {
    const test = $<HTMLButtonElement>("#vendor-test")!;
    test.disabled = true;
    result.dataset.result = "pending";
    result.innerHTML = `<p class="muted">Checking the stored credentials with ${v.escape(vendor.name)}…</p>`;
    try {
      const probe = await api.test(vendor.slug);
      result.dataset.result = probe.result;
      result.innerHTML = v.renderProbe(vendor.name, probe, null);
      state.vendors = await api.vendors().catch(() => state.vendors);
    } catch (e) {
      result.dataset.result = "error";
      showError(result, e);
    } finally {
      test.disabled = false;
    }
  });
  $("#vendor-disconnect")?.addEventListener("click", () => {
    delete result.dataset.result;
    result.innerHTML = `<div class="confirm" role="alertdialog" aria-labelledby="confirm-text"><p id="confirm-text">Remove ${v.escape(vendor.name)}'s credentials from the keychain? Claude loses ${v.escape(vendor.name)}'s tools.</p>
      <button type="button" id="confirm-disconnect" class="danger">Disconnect</button> <button type="button" id="cancel-disconnect">Cancel</button></div>`;
    $<HTMLButtonElement>("#cancel-disconnect")!.focus();
    $("#cancel-disconnect")!.addEventListener("click", () => closeConfirm());
    $("#confirm-disconnect")!.addEventListener("click", async () => {
      const confirm = $<HTMLButtonElement>("#confirm-disconnect")!;
      confirm.disabled = true;
      try {
        await api.disconnect(vendor.slug);
        state.open = null;
        await loadVendors();
        $<HTMLElement>(`li.vendor[data-slug="${CSS.escape(vendor.slug)}"] button`)?.focus();
      } catch (e) {
        result.dataset.result = "error";
        showError(result, e);
      }
    });
  });
}

/** After a connect: offer the vendor's plugin if Claude Code does not have it yet. */
function offerPlugin(vendor: VendorView): void {
  const plugin = state.plugins.rows[vendor.slug];
  const where = $("#plugin-result");
  if (!plugin || state.plugins.problem || v.pluginOn(plugin) || !where) return;
  where.innerHTML = v.renderPluginOffer(vendor.name, plugin);
  $("#plugin-offer-dismiss")!.addEventListener("click", () => {
    where.innerHTML = "";
    $<HTMLElement>("#plugin-switch")?.focus();
  });
  $("#plugin-offer-enable")!.addEventListener("click", async (ev) => {
    await setPlugin(vendor.slug, true, ev.currentTarget as HTMLButtonElement, where);
    const sw = $<HTMLInputElement>("#plugin-switch");
    if (sw) sw.checked = v.pluginOn(state.plugins.rows[vendor.slug] ?? plugin);
  });
}

function closeConfirm(): void {
  const result = $("#connect-result");
  if (result) result.innerHTML = "";
  $<HTMLElement>("#vendor-disconnect")?.focus();
}

function closeForm(): void {
  const slug = state.open;
  state.open = null;
  drawVendors();
  if (slug) $<HTMLElement>(`li.vendor[data-slug="${CSS.escape(slug)}"] button`)?.focus();
}

// ---- Servers -------------------------------------------------------------------

async function loadServers(): Promise<void> {
  try {
    state.status = await api.status();
    drawServers();
  } catch (e) {
    showError(main(), e);
  }
}

/** Redraws the table from `state.status`, keeping focus, open logs and their scroll. */
function drawServers(): void {
  if (!state.status || state.page !== "servers") return;
  const focusedId = (document.activeElement as HTMLElement | null)?.id;
  const scroll: Record<string, number> = {};
  for (const pre of document.querySelectorAll<HTMLElement>("pre.log")) scroll[pre.id] = pre.scrollTop;
  const message = $("#servers-message")?.innerHTML ?? "";
  main().innerHTML = v.renderServers(state.status, state.openLogs, state.logs);
  const box = $("#servers-message");
  if (box) box.innerHTML = message;
  for (const [id, top] of Object.entries(scroll)) {
    const pre = document.getElementById(id);
    if (pre) pre.scrollTop = top;
  }
  if (focusedId && main().querySelector(`#${CSS.escape(focusedId)}`)) document.getElementById(focusedId)!.focus();
}

function serverMessage(e: unknown): void {
  const box = $("#servers-message");
  if (box) showError(box, e);
  else showError(main(), e);
}

async function serverAction(kind: "restart" | "stop" | "logs" | "logs-refresh", slug: string): Promise<void> {
  const box = $("#servers-message");
  if (box) box.innerHTML = "";
  try {
    if (kind === "restart" || kind === "stop") {
      const button = $<HTMLButtonElement>(`#${kind}-${CSS.escape(slug)}`);
      if (button) button.disabled = true;
      try {
        await (kind === "restart" ? api.restart(slug) : api.stop(slug));
      } finally {
        if (button) button.disabled = false;
      }
      // The status-changed event follows; ask once anyway so the click shows at once.
      state.status = await api.status();
    } else if (kind === "logs" && state.openLogs.has(slug)) {
      state.openLogs.delete(slug);
    } else {
      state.openLogs.add(slug);
      if (kind === "logs") drawServers();
      state.logs[slug] = await api.logs(slug, 200);
    }
    drawServers();
    if (kind === "logs-refresh" || kind === "logs") {
      const pre = document.getElementById(`log-${slug}`);
      if (pre) pre.scrollTop = pre.scrollHeight;
    }
  } catch (e) {
    serverMessage(e);
  }
}

// ---- Clients -------------------------------------------------------------------

async function loadClients(): Promise<void> {
  try {
    main().innerHTML = `<p class="muted">Switchboard adds one entry, <code>switchboard</code>, to each client's config. Nothing else in the file changes, and the previous file is kept.</p>${v.renderClients(await api.clients())}`;
  } catch (e) {
    showError(main(), e);
  }
}

async function clientAction(kind: "preview" | "install" | "uninstall" | "dismiss", client: ClientId, uninstall = false): Promise<void> {
  const out = $(`#result-${CSS.escape(client)}`);
  if (!out) return;
  if (kind === "dismiss") {
    out.innerHTML = "";
    $<HTMLElement>(`#preview-${CSS.escape(client)}`)?.focus();
    return;
  }
  const buttons = [...document.querySelectorAll<HTMLButtonElement>(`[data-client="${CSS.escape(client)}"] button`)];
  for (const b of buttons) b.disabled = true;
  try {
    if (kind === "preview") {
      out.innerHTML = `<p class="muted">Preparing the preview…</p>`;
      out.innerHTML = v.renderPreview(await api.preview(client, uninstall), uninstall);
      $<HTMLElement>(`#write-${CSS.escape(client)}`)?.focus();
      return;
    }
    const o = kind === "install" ? await api.install(client) : await api.uninstall(client);
    await loadClients();
    $(`#result-${CSS.escape(client)}`)!.innerHTML = v.renderOutcome(o);
  } catch (e) {
    showError(out, e);
  } finally {
    for (const b of buttons) if (b.isConnected) b.disabled = b.dataset.disabled === "true";
  }
}

// ---- Team ----------------------------------------------------------------------

const nowSeconds = () => Math.floor(Date.now() / 1000);

async function loadTeam(): Promise<void> {
  try {
    state.team = await api.team();
    drawTeam();
  } catch (e) {
    showError(main(), e);
  }
}

/** Redraws the Team page, keeping what the address field holds and any result shown. */
function drawTeam(): void {
  if (!state.team || state.page !== "team") return;
  const typed = $<HTMLInputElement>("#gateway")?.value;
  const result = $("#team-result")?.innerHTML ?? "";
  main().innerHTML = v.renderTeam(state.team, nowSeconds());
  const input = $<HTMLInputElement>("#gateway");
  if (input && typed !== undefined) input.value = typed;
  const box = $("#team-result")!;
  box.innerHTML = state.signIn ? v.renderSignInProgress(state.signIn) : result;
  const submit = $<HTMLButtonElement>("#team-sign-in");
  if (submit && state.signIn) {
    submit.disabled = true;
    submit.textContent = "Signing in…";
  }
}

async function signIn(): Promise<void> {
  const input = $<HTMLInputElement>("#gateway")!;
  const invalid = $("#gateway-invalid")!;
  const address = input.value.trim();
  if (address && !/^https?:\/\/[^\s/]+/i.test(address)) {
    invalid.textContent = "An http(s) address, such as https://conduit.wyre.ai.";
    invalid.hidden = false;
    input.setAttribute("aria-invalid", "true");
    input.focus();
    return;
  }
  invalid.hidden = true;
  input.removeAttribute("aria-invalid");
  state.signIn = { message: "Opening the sign-in page in your browser…", url: null };
  drawTeam();
  try {
    state.team = await api.signIn(address || null);
    state.signIn = null;
    drawTeam();
    const who = state.team.account ? ` as ${state.team.account}${state.team.team ? ` (${state.team.team})` : ""}` : "";
    $("#team-result")!.innerHTML = `<p class="result good" role="status">Signed in${v.escape(who)}.</p>`;
  } catch (e) {
    state.signIn = null;
    drawTeam();
    showError($("#team-result")!, e);
  }
}

async function signOut(): Promise<void> {
  const button = $<HTMLButtonElement>("#team-sign-out");
  if (button) button.disabled = true;
  try {
    const out = await api.signOut();
    state.team = await api.team();
    drawTeam();
    $("#team-result")!.innerHTML = v.renderSignedOut(out);
    $<HTMLElement>("#team-sign-in")?.focus();
  } catch (e) {
    if (button) button.disabled = false;
    showError($("#team-result") ?? main(), e);
  }
}

// ---- Settings ------------------------------------------------------------------

// ---- Activity ------------------------------------------------------------------

let activityTimer: ReturnType<typeof setInterval> | null = null;

/** Waiting calls and recent ones; refreshed every 2 s while the page is open. */
async function loadActivity(): Promise<void> {
  await drawActivity();
  if (activityTimer === null) {
    activityTimer = setInterval(() => {
      if (state.page !== "activity") {
        clearInterval(activityTimer!);
        activityTimer = null;
      } else if (!document.querySelector("#app [data-approve]:focus, #app [data-deny]:focus")) {
        void drawActivity();
      }
    }, 2000);
  }
}

async function drawActivity(): Promise<void> {
  try {
    const [waiting, records] = await Promise.all([api.approvals(), api.audit()]);
    if (state.page !== "activity") return;
    const kept = $("#approval-result")?.innerHTML ?? "";
    main().innerHTML = v.renderActivity(waiting, records);
    $("#approval-result")!.innerHTML = kept;
  } catch (e) {
    showError(main(), e);
  }
}

async function answerCall(id: number, approve: boolean, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  try {
    const call = await api.answer(id, approve);
    await drawActivity();
    $("#approval-result")!.innerHTML = `<p class="result good" role="status">${approve ? "Approved" : "Declined"}: ${v.escape(call.tool)}.</p>`;
  } catch (e) {
    await drawActivity();
    showError($("#approval-result")!, e);
  }
}

async function loadSettings(): Promise<void> {
  let current: Settings;
  try {
    current = await api.settings();
  } catch (e) {
    showError(main(), e);
    return;
  }
  main().innerHTML = v.renderSettings(current);
  v.applySelectValues(main());
  const form = $<HTMLFormElement>("#settings-form")!;
  const result = $("#settings-result")!;
  const save = $<HTMLButtonElement>("#settings-save")!;
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const idle = $<HTMLInputElement>("#idle")!;
    const invalid = $("#idle-invalid")!;
    const minutes = Number(idle.value);
    if (!idle.value.trim() || !Number.isFinite(minutes) || minutes < 1) {
      invalid.textContent = "At least 1 minute.";
      invalid.hidden = false;
      idle.setAttribute("aria-invalid", "true");
      idle.focus();
      return;
    }
    invalid.hidden = true;
    idle.removeAttribute("aria-invalid");
    const next: Settings = {
      idle_timeout_s: v.minutesToSeconds(minutes),
      compact: $<HTMLInputElement>("#compact")!.checked,
      start_at_login: $<HTMLInputElement>("#autostart")!.checked,
      log_level: $<HTMLSelectElement>("#level")!.value as Settings["log_level"],
      update_endpoint: $<HTMLInputElement>("#endpoint")!.value.trim(),
      check_updates_daily: $<HTMLInputElement>("#daily")!.checked,
      plugin_marketplace_name: $<HTMLInputElement>("#market-name")!.value.trim(),
      plugin_marketplace: $<HTMLInputElement>("#market-source")!.value.trim(),
    };
    const market = $("#market-invalid")!;
    market.hidden = true;
    if (!next.plugin_marketplace_name !== !next.plugin_marketplace) {
      market.textContent = "Give both a name and a source, or leave both empty for the public marketplace.";
      market.hidden = false;
      $<HTMLInputElement>(next.plugin_marketplace_name ? "#market-source" : "#market-name")!.focus();
      return;
    }
    save.disabled = true;
    result.innerHTML = `<p class="muted">Saving…</p>`;
    try {
      const saved = await api.saveSettings(next);
      if (saved && typeof saved === "object") {
        idle.value = String(v.secondsToMinutes(saved.idle_timeout_s));
        $<HTMLInputElement>("#compact")!.checked = saved.compact;
        $<HTMLInputElement>("#autostart")!.checked = saved.start_at_login;
        $<HTMLSelectElement>("#level")!.value = saved.log_level;
        $<HTMLInputElement>("#endpoint")!.value = saved.update_endpoint;
        $<HTMLInputElement>("#daily")!.checked = saved.check_updates_daily !== false;
        $<HTMLInputElement>("#market-name")!.value = saved.plugin_marketplace_name ?? "";
        $<HTMLInputElement>("#market-source")!.value = saved.plugin_marketplace ?? "";
      }
      result.innerHTML = `<p class="result good" role="status">Saved.</p>`;
    } catch (e) {
      showError(result, e);
    } finally {
      save.disabled = false;
    }
  });
  $("#check-updates")!.addEventListener("click", async () => {
    const out = $("#update-result")!;
    const button = $<HTMLButtonElement>("#check-updates")!;
    button.disabled = true;
    out.innerHTML = `<p class="muted">Checking for updates…</p>`;
    try {
      out.innerHTML = v.renderUpdate(await api.checkUpdates());
      $<HTMLButtonElement>("#install-update")?.addEventListener("click", async (ev) => {
        const install = ev.currentTarget as HTMLButtonElement;
        install.disabled = true;
        const progress = document.createElement("p");
        progress.className = "muted";
        progress.textContent = "Downloading and checking the signature…";
        install.closest(".actions")!.after(progress);
        try {
          // On success the app restarts into the new version before this returns.
          await api.installUpdate();
        } catch (e) {
          progress.remove();
          showError(out, e);
        }
      });
    } catch (e) {
      showError(out, e);
    } finally {
      button.disabled = false;
    }
  });
}

// ---- Wiring --------------------------------------------------------------------

let wired = false;

/** Listens on the document (delegation), once: pages redraw freely underneath. */
export function wire(): void {
  if (wired) return;
  wired = true;
  document.addEventListener("click", (ev) => {
    const t = (ev.target as HTMLElement).closest<HTMLElement>("button, a");
    if (!t) return;
    const d = t.dataset;
    if (d.page) void go(d.page as Page);
    else if (d.goto) void go(d.goto as Page);
    else if (d.open) {
      state.open = d.open;
      drawVendors();
    } else if (d.restart) void serverAction("restart", d.restart);
    else if (d.stop) void serverAction("stop", d.stop);
    else if (d.logs) void serverAction("logs", d.logs);
    else if (d.logsRefresh) void serverAction("logs-refresh", d.logsRefresh);
    else if (d.preview) void clientAction("preview", d.preview as ClientId, d.uninstallPreview === "true");
    else if (d.dismiss) void clientAction("dismiss", d.dismiss as ClientId);
    else if (d.install) void clientAction("install", d.install as ClientId);
    else if (d.uninstall) void clientAction("uninstall", d.uninstall as ClientId);
    else if (t.id === "team-sign-out") void signOut();
    else if (d.approve) void answerCall(Number(d.approve), true, t as HTMLButtonElement);
    else if (d.deny) void answerCall(Number(d.deny), false, t as HTMLButtonElement);
  });
  document.addEventListener("submit", (ev) => {
    if ((ev.target as HTMLElement).id !== "team-form") return;
    ev.preventDefault();
    if (!state.signIn) void signIn();
  });
  document.addEventListener("change", (ev) => {
    const t = ev.target as HTMLInputElement;
    const slug = t.dataset?.plugin;
    if (!slug || state.page !== "vendors") return;
    // In the form the outcome shows under the switch; on a card, in the card.
    let where = t.id === "plugin-switch" ? $("#plugin-result") : null;
    if (!where) {
      const li = t.closest("li.vendor");
      where = li?.querySelector<HTMLElement>(".plugin-result") ?? null;
      if (li && !where) {
        where = document.createElement("div");
        where.className = "plugin-result";
        where.setAttribute("aria-live", "polite");
        li.append(where);
      }
    }
    void setPlugin(slug, t.checked, t, where);
  });
  document.addEventListener("input", (ev) => {
    if ((ev.target as HTMLElement).id === "search" && state.page === "vendors" && !state.open) drawVendors();
  });
  document.addEventListener("keydown", onKey);
}

function isEditable(t: EventTarget | null): boolean {
  return (
    t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement || (t instanceof HTMLElement && t.isContentEditable)
  );
}

function onKey(ev: KeyboardEvent): void {
  const mod = (ev.ctrlKey || ev.metaKey) && !ev.altKey;
  if (mod && !ev.shiftKey && ev.key >= "1" && ev.key <= String(PAGES.length)) {
    ev.preventDefault();
    void go(PAGES[Number(ev.key) - 1]).then(() => $<HTMLElement>(`nav [data-page=${state.page}]`)?.focus());
  } else if ((mod && ev.key.toLowerCase() === "f") || (ev.key === "/" && !mod && !ev.altKey && !isEditable(ev.target))) {
    ev.preventDefault();
    if (state.page !== "vendors") void go("vendors");
    else if (state.open) {
      state.open = null;
      drawVendors();
    }
    const search = $<HTMLInputElement>("#search")!;
    search.focus();
    search.select();
  } else if (ev.key === "Escape") {
    // Closes the innermost open thing: a confirmation, a preview, then the connect form.
    if ($("#connect-result .confirm")) {
      ev.preventDefault();
      closeConfirm();
    } else if (state.page === "clients" && $("[id^=write-]")) {
      ev.preventDefault();
      const client = $<HTMLElement>("[id^=write-]")!.id.slice("write-".length) as ClientId;
      void clientAction("dismiss", client);
    } else if (state.page === "vendors" && state.open) {
      ev.preventDefault();
      closeForm();
    } else if (ev.target === $("#search") && $<HTMLInputElement>("#search")!.value) {
      $<HTMLInputElement>("#search")!.value = "";
      drawVendors();
    }
  }
}

export async function start(): Promise<void> {
  wire();
  await onEvent<StatusReport>(EVENTS.status, (report) => {
    state.status = report;
    if (state.page === "servers") drawServers();
    // The team's vendors and the sign-in's state come with the status; ask for the page's view.
    if (state.page === "team" && !state.signIn) void loadTeam();
  }).catch(() => undefined);
  await onEvent<v.SignInProgress | null>(EVENTS.teamProgress, (p) => {
    state.signIn = p;
    if (state.page === "team") {
      if (p) drawTeam();
      else void loadTeam();
    }
  }).catch(() => undefined);
  await onEvent<PageRequest>(EVENTS.navigate, (n) => void arrive(n)).catch(() => undefined);
  // The page the tray asked for when it started this window; older apps lack the command.
  const pending = await takePendingPage().catch(() => null);
  await arrive(pending);
  // Two frames later the first page is on screen: the app logs the time (bench-app).
  requestAnimationFrame(() => requestAnimationFrame(() => void windowPainted().catch(() => undefined)));
}

type PageRequest = { page: string; slug?: string | null; action?: string | null } | null;

/** Shows the page the tray asked for; "Sign in to team…" also starts the sign-in. */
export async function arrive(n: PageRequest): Promise<void> {
  await go((n?.page as Page) ?? "vendors", n?.slug);
  if (n?.action === "sign-in" && state.page === "team" && !state.signIn && $("#team-form")) void signIn();
}

if (!(globalThis as { __SB_TEST__?: boolean }).__SB_TEST__) void start();
