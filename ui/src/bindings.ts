// Generated from crates/switchboard-core/src/status.rs, code.rs and
// gateway/login.rs by tests/tests/bindings.rs; do not edit. After changing
// those types, run
// `SWITCHBOARD_BLESS=1 cargo test -p switchboard-tests --test bindings`.

export type State = "not_connected" | "idle" | "starting" | "running" | "backing_off" | "failed" | "signed_out";

export type LaunchSource = "catalog" | "override" | "http" | "custom" | "bundle" | "gateway";

export type Served = "local" | "gateway";

export type VendorStatus = { slug: string, name: string, state: State, 
/**
 * How it runs; `None` when it cannot launch.
 */
source: LaunchSource | null, pid: number | null, 
/**
 * Seconds since it came up, while it runs.
 */
uptime_s: number | null, restarts: number, 
/**
 * How many tools it offers (from the cache when it is not running).
 */
tools: number, last_error: string | null, 
/**
 * Its last lines of stderr, secrets redacted.
 */
stderr_tail: Array<string>, 
/**
 * Resident memory of the server process, bytes; `None` when it is not running.
 */
memory_bytes: number | null, 
/**
 * Who serves it; `None` when nobody does.
 */
served_by: Served | null, };

export type DaemonInfo = { running: boolean, pid?: number, version?: string, uptime_s?: number, 
/**
 * Where it listens (or would).
 */
endpoint: string, };

export type GatewayStatus = { 
/**
 * Its MCP endpoint.
 */
endpoint: string, state: State, 
/**
 * Who is signed in and their team, when the token says.
 */
account: string | null, team: string | null, 
/**
 * When the access token expires (Unix seconds), when known.
 */
expires_at: number | null, last_error: string | null, 
/**
 * The vendors it serves (from its tool listing).
 */
vendors: Array<string>, };

export type StatusReport = { daemon: DaemonInfo, vendors: Array<VendorStatus>, 
/**
 * The team sign-in, when there is one.
 */
gateway: GatewayStatus | null, };

export type TeamVendor = { slug: string, name: string, served_by: Served, tools: number, };

export type TeamView = { signed_in: boolean, 
/**
 * The MCP endpoint signed in to (or that a sign-in would use).
 */
endpoint: string, 
/**
 * `false` for a gateway that needs no sign-in.
 */
oauth: boolean, account: string | null, team: string | null, 
/**
 * When the access token expires (Unix seconds).
 */
expires_at: number | null, 
/**
 * The gateway connection's state, when signed in.
 */
state: State | null, 
/**
 * Why the sign-in is over or the gateway failed, in words.
 */
problem: string | null, 
/**
 * Every vendor served, by whom.
 */
vendors: Array<TeamVendor>, };

export type SignedOut = { 
/**
 * The endpoint that was signed in, if one was.
 */
endpoint: string | null, 
/**
 * Tokens the gateway confirmed revoked.
 */
revoked: number, 
/**
 * Why revoking did not work, when it did not (the local sign-in is gone anyway).
 */
revoke_problem: string | null, keychain_items: number, };

export type ControlEvent = { "event": "vendor_state", slug: string, state: State, last_error: string | null, } | { "event": "tools_changed", slug: string, tools: number, } | { "event": "approvals_changed", waiting: number, };

export type ErrorCode = "unknown_vendor" | "invalid_field" | "catalog_invalid" | "keychain_unavailable" | "secret_too_large" | "not_connected" | "probe_failed" | "config_corrupt" | "io" | "runtime_missing" | "launch_failed" | "daemon_unavailable" | "bundle_invalid" | "bundle_unsafe" | "signing_failed" | "client_config_invalid" | "unsupported" | "update_failed" | "desktop_integration" | "not_signed_in" | "sign_in_failed" | "gateway_unreachable" | "not_waiting" | "internal";

/** Each state in words, as the tray and the window say it (`State::words`). */
export const STATE_WORDS: Record<State, string> = {
  not_connected: "not connected",
  idle: "connected, idle",
  starting: "starting",
  running: "running",
  backing_off: "restarting after a crash",
  failed: "failed",
  signed_out: "signed out: sign in again",
};
