// The settings window: four pages over the app's commands (see api.ts). Pages are
// plain DOM; every piece of HTML comes from views.ts.

import { api, EVENTS, onEvent, call, type CommandError, type Settings, type StatusReport, type VendorView, type ClientId } from "./api";
import * as v from "./views";

export type Page = "vendors" | "servers" | "clients" | "settings";
export const PAGES: Page[] = ["vendors", "servers", "clients", "settings"];

interface AppState {
  page: Page;
  vendors: VendorView[];
  open: string | null;
  status: StatusReport | null;
  openLogs: Set<string>;
  logs: Record<string, string[]>;
}

export const state: AppState = { page: "vendors", vendors: [], open: null, status: null, openLogs: new Set(), logs: {} };

const $ = <T extends HTMLElement>(sel: string, root: ParentNode = document) => root.querySelector<T>(sel);
const main = () => $("#app")!;

function showError(where: HTMLElement, e: unknown): void {
  where.innerHTML = v.renderError(e as CommandError);
}

export async function go(page: Page, slug?: string | null): Promise<void> {
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
  else await loadSettings();
}

// ---- Vendors -------------------------------------------------------------------

async function loadVendors(): Promise<void> {
  try {
    state.vendors = await api.vendors();
    drawVendors();
  } catch (e) {
    showError(main(), e);
  }
}

function drawVendors(): void {
  const vendor = state.vendors.find((x) => x.slug === state.open);
  if (vendor) {
    main().innerHTML = v.renderForm(vendor);
    wireForm(vendor);
    $<HTMLElement>("#connect-form input, #connect-form select")?.focus();
  } else {
    main().innerHTML = v.renderCatalog(state.vendors, $<HTMLInputElement>("#search")!.value);
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
    const missing = v.missingRequired(vendor.fields, values);
    if (missing.length > 0) {
      for (const key of missing) {
        const msg = $(`#field-${CSS.escape(key)}-invalid`)!;
        msg.textContent = "Required.";
        msg.hidden = false;
        $(`#field-${CSS.escape(key)}`)?.setAttribute("aria-invalid", "true");
      }
      $<HTMLElement>(`#field-${CSS.escape(missing[0])}`)?.focus();
      return;
    }
    submit.disabled = true;
    result.dataset.result = "pending";
    result.innerHTML = `<p class="muted">Checking your credentials with ${v.escape(vendor.name)}…</p>`;
    try {
      const r = await api.connect(vendor.slug, values);
      result.dataset.result = r.probe?.result ?? "ok";
      result.innerHTML = r.probe
        ? v.renderProbe(vendor.name, r.probe, r.saved)
        : `<div class="result good" role="status"><p><strong>Saved.</strong> ${v.escape(vendor.name)} has no live check; the first call will tell.</p></div>`;
      if (r.saved) state.vendors = await api.vendors();
    } catch (e) {
      result.dataset.result = "error";
      showError(result, e);
    } finally {
      submit.disabled = false;
    }
  });
  $("#form-close")?.addEventListener("click", () => closeForm());
  for (const b of form.querySelectorAll<HTMLButtonElement>("[data-reveal]")) {
    b.addEventListener("click", () => {
      const input = $<HTMLInputElement>(`#${b.dataset.reveal}`)!;
      const show = input.type === "password";
      input.type = show ? "text" : "password";
      b.textContent = show ? "Hide" : "Show";
      b.setAttribute("aria-pressed", String(show));
    });
  }
  $("[data-docs]", form)?.addEventListener("click", (ev) => {
    ev.preventDefault();
    call("open_docs", { slug: vendor.slug }).catch((e) => showError(result, e));
  });
  $("#vendor-test")?.addEventListener("click", async () => {
    result.dataset.result = "pending";
    result.innerHTML = `<p class="muted">Testing the stored credentials…</p>`;
    try {
      const probe = await api.test(vendor.slug);
      result.dataset.result = probe.result;
      result.innerHTML = v.renderProbe(vendor.name, probe, null);
    } catch (e) {
      result.dataset.result = "error";
      showError(result, e);
    }
  });
  $("#vendor-disconnect")?.addEventListener("click", () => {
    result.innerHTML = `<div class="confirm" role="alertdialog"><p>Remove ${v.escape(vendor.name)}'s credentials from the keychain? Claude loses its tools.</p>
      <button type="button" id="confirm-disconnect" class="danger">Disconnect</button> <button type="button" id="cancel-disconnect">Cancel</button></div>`;
    $<HTMLButtonElement>("#cancel-disconnect")!.focus();
    $("#cancel-disconnect")!.addEventListener("click", () => (result.innerHTML = ""));
    $("#confirm-disconnect")!.addEventListener("click", async () => {
      try {
        await api.disconnect(vendor.slug);
        state.open = null;
        await loadVendors();
      } catch (e) {
        showError(result, e);
      }
    });
  });
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

function drawServers(): void {
  if (!state.status) return;
  const focused = document.activeElement as HTMLElement | null;
  const key = focused?.getAttribute("data-restart") ?? focused?.getAttribute("data-stop") ?? focused?.getAttribute("data-logs");
  main().innerHTML = v.renderServers(state.status, state.openLogs, state.logs);
  if (key && focused) {
    const attr = [...focused.attributes].find((a) => a.name.startsWith("data-"))!.name;
    $<HTMLElement>(`[${attr}="${CSS.escape(key)}"]`)?.focus();
  }
}

async function serverAction(kind: "restart" | "stop" | "logs" | "logs-refresh", slug: string): Promise<void> {
  try {
    if (kind === "restart") await api.restart(slug);
    else if (kind === "stop") await api.stop(slug);
    else {
      if (kind === "logs" && state.openLogs.has(slug)) state.openLogs.delete(slug);
      else {
        state.openLogs.add(slug);
        state.logs[slug] = await api.logs(slug, 200);
      }
    }
    await loadServers();
  } catch (e) {
    showError(main(), e);
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

async function clientAction(kind: "preview" | "install" | "uninstall", client: ClientId): Promise<void> {
  const out = $(`#result-${client}`)!;
  try {
    if (kind === "preview") {
      const installed = !!$(`#uninstall-${client}`);
      const o = await api.preview(client, installed);
      out.innerHTML = `<p class="small">${installed ? "Uninstalling" : "Installing"} would change ${v.escape(o.path)}:</p>${v.renderDiff(o.diff)}`;
      return;
    }
    const o = kind === "install" ? await api.install(client) : await api.uninstall(client);
    await loadClients();
    $(`#result-${client}`)!.innerHTML = v.renderOutcome(o);
  } catch (e) {
    showError(out, e);
  }
}

// ---- Settings ------------------------------------------------------------------

async function loadSettings(): Promise<void> {
  try {
    const s = await api.settings();
    const levels = ["error", "warn", "info", "debug", "trace"];
    main().innerHTML = `<form id="settings-form" novalidate>
      <div class="field"><label for="idle">Stop idle vendor servers after (minutes)</label>
        <input id="idle" name="idle" type="number" min="1" step="1" value="${v.secondsToMinutes(s.idle_timeout_s)}">
        <p class="help">A stopped server starts again on the next call.</p></div>
      <div class="field check"><input id="compact" name="compact" type="checkbox"${s.compact ? " checked" : ""}>
        <label for="compact">Compact mode</label>
        <p class="help">Show Claude two tools (search and call) instead of every vendor tool. For many vendors.</p></div>
      <div class="field check"><input id="autostart" name="autostart" type="checkbox"${s.start_at_login ? " checked" : ""}>
        <label for="autostart">Start at login</label></div>
      <div class="field"><label for="level">Log level</label>
        <select id="level" name="level">${levels.map((l) => `<option value="${l}">${l}</option>`).join("")}</select></div>
      <div class="field"><label for="endpoint">Update endpoint</label>
        <input id="endpoint" name="endpoint" type="url" value="${v.escape(s.update_endpoint)}">
        <p class="help">Where Check for updates looks. Leave empty for the built-in one.</p></div>
      <div class="actions"><button type="submit" id="settings-save" class="primary">Save</button>
        <button type="button" id="check-updates">Check for updates</button></div>
      <div id="settings-result" aria-live="polite"></div></form>`;
    $<HTMLSelectElement>("#level")!.value = s.log_level;
    const form = $<HTMLFormElement>("#settings-form")!;
    const result = $("#settings-result")!;
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const next: Settings = {
        idle_timeout_s: v.minutesToSeconds(Number($<HTMLInputElement>("#idle")!.value)),
        compact: $<HTMLInputElement>("#compact")!.checked,
        start_at_login: $<HTMLInputElement>("#autostart")!.checked,
        log_level: $<HTMLSelectElement>("#level")!.value as Settings["log_level"],
        update_endpoint: $<HTMLInputElement>("#endpoint")!.value,
      };
      try {
        await api.saveSettings(next);
        result.innerHTML = `<p class="result good" role="status">Saved.</p>`;
      } catch (e) {
        showError(result, e);
      }
    });
    $("#check-updates")!.addEventListener("click", async () => {
      result.innerHTML = `<p class="muted">Checking…</p>`;
      try {
        const u = await api.checkUpdates();
        result.innerHTML =
          u.status === "available"
            ? `<div class="result good" role="status"><p><strong>Version ${v.escape(u.latest ?? "")} is available.</strong></p><p class="small">${v.escape(u.notes ?? "")}</p></div>`
            : `<p class="result good" role="status">Switchboard ${v.escape(u.current)} is up to date.</p>`;
      } catch (e) {
        showError(result, e);
      }
    });
  } catch (e) {
    showError(main(), e);
  }
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
    else if (d.preview) void clientAction("preview", d.preview as ClientId);
    else if (d.install) void clientAction("install", d.install as ClientId);
    else if (d.uninstall) void clientAction("uninstall", d.uninstall as ClientId);
  });
  document.addEventListener("input", (ev) => {
    if ((ev.target as HTMLElement).id === "search" && state.page === "vendors" && !state.open) drawVendors();
  });
  document.addEventListener("keydown", (ev) => {
    const mod = ev.ctrlKey || ev.metaKey;
    if (mod && ev.key >= "1" && ev.key <= "4") {
      ev.preventDefault();
      void go(PAGES[Number(ev.key) - 1]);
    } else if ((mod && ev.key.toLowerCase() === "f") || (ev.key === "/" && !(ev.target instanceof HTMLInputElement))) {
      ev.preventDefault();
      if (state.page !== "vendors") void go("vendors");
      $<HTMLInputElement>("#search")!.focus();
    } else if (ev.key === "Escape" && state.page === "vendors" && state.open) {
      closeForm();
    }
  });
}

export async function start(): Promise<void> {
  wire();
  await onEvent<StatusReport>(EVENTS.status, (report) => {
    state.status = report;
    if (state.page === "servers") drawServers();
  }).catch(() => undefined);
  await onEvent<{ page: Page; slug?: string | null }>(EVENTS.navigate, (n) => void go(n.page, n.slug)).catch(() => undefined);
  const pending = await call<{ page: Page; slug?: string | null } | null>("take_pending_page").catch(() => null);
  await go(pending?.page ?? "vendors", pending?.slug);
}

if (!(globalThis as { __SB_TEST__?: boolean }).__SB_TEST__) void start();
