// The contract between the settings window and the app's Rust commands
// (src-tauri/src/commands.rs). Every call goes through `call`, so a failed command
// always arrives as a `CommandError` with a stable `code`.

import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { ErrorCode, SignedOut, StatusReport, TeamView } from "./bindings";

export interface FieldView {
  key: string;
  label: string;
  help: string;
  secret: boolean;
  required: boolean;
  default: string | null;
  /** Allowed values; empty means free text. */
  options: string[];
  /** A label for each allowed value. */
  option_labels: Record<string, string>;
  /** How a free-text value is checked: a URL gets https:// added, a subdomain is one DNS label. */
  kind: "text" | "url" | "subdomain" | "email";
  placeholder: string | null;
}

export interface ProbeRecord {
  result: ProbeResult;
  message: string;
  at: string;
}

export interface ConnectionView {
  connected_at: string;
  /** Plain field values (never secrets). */
  fields: Record<string, string>;
  /** Keys of the secret fields stored in the keychain. */
  secret_fields: string[];
  keychain_service: string;
  last_probe: ProbeRecord | null;
}

export interface VendorView {
  slug: string;
  name: string;
  category: string;
  description: string;
  docs_url: string;
  connected: boolean;
  fields: FieldView[];
  connection?: ConnectionView | null;
}

export interface CommandError {
  /** An `ErrorCode` from the app; typed as a string because a newer app may send codes this page does not know. */
  code: ErrorCode | (string & {});
  message: string;
  /** Worded for the window. */
  hint: string | null;
}

export type ProbeResult = "ok" | "invalid_credentials" | "wrong_region_or_url" | "vendor_unreachable" | "unexpected_response";

export interface ProbeOutcome {
  result: ProbeResult;
  /** Readable, secret-free. */
  message: string;
  status: number | null;
  step: string | null;
  elapsed_ms: number;
}

/** `vendor_connect`: saved only when the probe passed (or the vendor has none). */
export interface ConnectResult {
  saved: boolean;
  probe: ProbeOutcome | null;
}

// The status contract is generated from the Rust types (./bindings.ts); these names
// are the ones the pages use.
export type { ControlEvent, DaemonInfo, ErrorCode, GatewayStatus, LaunchSource, Served, SignedOut, StatusReport, TeamVendor, TeamView } from "./bindings";
export type { State as ServerState, VendorStatus as ServerStatus } from "./bindings";

export type ClientId = "claude-desktop" | "claude-code" | "cursor";

export interface ClientView {
  client: ClientId;
  name: string;
  path: string;
  exists: boolean;
  /** Why the file cannot be read, if it cannot. */
  problem: string | null;
  installed: boolean;
  /** The installed entry's command exists. */
  command_ok: boolean;
  command: string | null;
}

export type Action = "added" | "updated" | "unchanged" | "removed" | "not_installed";

export interface ClientOutcome {
  client: ClientId;
  path: string;
  action: Action;
  dry_run: boolean;
  /** Unified diff; empty when nothing changes. */
  diff: string;
  backup: string | null;
  warnings: string[];
}

export interface Settings {
  idle_timeout_s: number;
  compact: boolean;
  log_level: "error" | "warn" | "info" | "debug" | "trace";
  start_at_login: boolean;
  update_endpoint: string;
  /** The MSP whose preset applies, when one does. */
  managed_by?: string | null;
  /** Settings the preset locks, e.g. "supervisor.compact"; shown read-only. */
  locked?: string[];
  /** Look for a new version once a day (installing always takes a click). */
  check_updates_daily?: boolean;
  /** The version running now. */
  version?: string;
  /** An MSP's own plugin marketplace: its name and source; both empty for the vendors' public one. */
  plugin_marketplace_name?: string;
  plugin_marketplace?: string;
}

/** Which Claude Code settings file enables a plugin. */
export type PluginScope = { kind: "user" } | { kind: "project"; dir: string };

/** One vendor's companion plugin (skills and commands for Claude Code). */
export interface PluginRow {
  vendor: string;
  vendor_name: string;
  plugin: string;
  /** `<plugin>@<marketplace>`. */
  id: string;
  connected: boolean;
  enabled_in: PluginScope[];
}

export interface PluginsReport {
  marketplace: { name: string; source: unknown; public: boolean };
  files: { scope: PluginScope; path: string; exists: boolean; problem: string | null }[];
  plugins: PluginRow[];
}

/** What a plugin switch changed in Claude Code's settings. */
export interface PluginChange {
  path: string;
  dry_run: boolean;
  plugins: string[];
  marketplace: boolean;
  diff: string;
  backup: string | null;
  warnings: string[];
}

/** A call waiting for the technician's approval (a `confirm` tool). */
export interface Waiting {
  id: number;
  vendor: string;
  /** `vendor__tool`. */
  tool: string;
  /** Secret-sounding values already redacted. */
  arguments: unknown;
  client: string | null;
  since: string;
  timeout_s: number;
}

/** One line of the audit record. */
export interface AuditRecord {
  time: string;
  client: string | null;
  vendor: string;
  tool: string;
  decision: "allow" | "confirm" | "deny";
  approved_by?: string | null;
  outcome: "ok" | "tool_error" | "failed" | "denied" | "declined" | "timed_out";
  duration_ms: number;
  result_bytes: number;
  arguments?: unknown;
}

export interface UpdateCheck {
  status: "up_to_date" | "available";
  current: string;
  latest: string | null;
  notes: string | null;
}

/** Invokes a command; rejects with a CommandError (never a bare string). */
export async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    if (e && typeof e === "object" && "code" in e) throw e as CommandError;
    throw { code: "internal", message: String(e), hint: null } satisfies CommandError;
  }
}

export const api = {
  vendors: () => call<VendorView[]>("vendors_list"),
  connect: (slug: string, fields: Record<string, string>) => call<ConnectResult>("vendor_connect", { slug, fields }),
  test: (slug: string) => call<ProbeOutcome>("vendor_test", { slug }),
  disconnect: (slug: string) => call<void>("vendor_disconnect", { slug }),
  status: () => call<StatusReport>("servers_status"),
  restart: (slug: string) => call<void>("server_restart", { slug }),
  stop: (slug: string) => call<void>("server_stop", { slug }),
  logs: (slug: string, lines: number) => call<string[]>("server_logs", { slug, lines }),
  clients: () => call<ClientView[]>("clients_list"),
  preview: (client: ClientId, uninstall: boolean) => call<ClientOutcome>("client_preview", { client, uninstall }),
  install: (client: ClientId) => call<ClientOutcome>("client_install", { client }),
  uninstall: (client: ClientId) => call<ClientOutcome>("client_uninstall", { client }),
  settings: () => call<Settings>("settings_get"),
  saveSettings: (settings: Settings) => call<Settings>("settings_set", { settings }),
  checkUpdates: () => call<UpdateCheck>("updates_check"),
  /** Installs what the last check found; the app restarts into it, so this only returns on a refusal. */
  installUpdate: () => call<void>("updates_install"),
  team: () => call<TeamView>("team_status"),
  /** Opens the browser at the gateway's sign-in page; resolves once signed in. Progress comes as `team-progress` events. */
  signIn: (gateway: string | null) => call<TeamView>("team_login", { gateway }),
  signOut: () => call<SignedOut>("team_logout"),
  plugins: () => call<PluginsReport>("plugins_list"),
  /** Enables or disables a vendor's companion plugin in Claude Code's user settings. */
  setPlugin: (slug: string, enabled: boolean) => call<PluginChange>("plugins_set", { slug, enabled }),
  approvals: () => call<Waiting[]>("approvals_list"),
  /** Approves or declines a waiting call; it then runs, or Claude is told it was declined. */
  answer: (id: number, approve: boolean) => call<Waiting>("approval_answer", { id, approve }),
  /** The audit record, newest first. */
  audit: (limit = 200) => call<AuditRecord[]>("audit_list", { vendor: null, limit }),
};

/** Events the app emits to the window. */
export const EVENTS = {
  /** Payload: StatusReport, whenever a vendor's state or tools change, or the daemon comes or goes. */
  status: "status-changed",
  /** Payload: {page: "vendors" | "servers" | "clients" | "team" | "settings", slug?: string}; from the tray. */
  navigate: "navigate",
  /** Payload: {message, url}: where a team sign-in is (the tray's or the window's). */
  teamProgress: "team-progress",
} as const;

export function onEvent<T>(name: string, handler: (payload: T) => void): Promise<UnlistenFn> {
  return listen<T>(name, (e) => handler(e.payload));
}

// ---- Helpers for the extra commands the app also implements (src-tauri/src/commands.rs).

/** Opens a vendor's catalog documentation URL in the default browser (the app only opens catalog URLs). */
export const openDocs = (slug: string) => call<void>("open_docs", { slug });

/** The page the tray asked for when it started the window, once; null when none. */
export const takePendingPage = () =>
  call<{ page: string; slug?: string | null; action?: string | null } | null>("take_pending_page");

/** Tells the app the first page is on screen (it logs the time for `scripts/bench-app`). */
export const windowPainted = () => call<void>("window_painted");
