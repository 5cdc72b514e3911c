// The pages against a mocked IPC: which commands they call, with which arguments,
// and what they show for each answer.
/// <reference types="vite/client" />
import indexHtml from "../index.html?raw";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import type { ServerState, StatusReport, TeamView } from "./api";
import { vendor } from "./fixtures";

type Main = typeof import("./main");
let main: Main;
let calls: { cmd: string; args: Record<string, unknown> }[];
let answers: Record<string, (args: Record<string, unknown>) => unknown>;

const tick = () => new Promise((r) => setTimeout(r, 0));
async function settle() {
  for (let i = 0; i < 10; i++) await tick();
}

beforeAll(async () => {
  (globalThis as { __SB_TEST__?: boolean }).__SB_TEST__ = true;
  main = await import("./main");
});

beforeEach(() => {
  const html = indexHtml;
  document.body.innerHTML = html.slice(html.indexOf("<body"), html.indexOf("</body>")).replace(/<body[^>]*>/, "").replace(/<script[\s\S]*?<\/script>/g, "");
  main.resetState();
  calls = [];
  answers = {
    vendors_list: () => [vendor("hudu", "Hudu", "documentation"), vendor("itglue", "IT Glue", "documentation", true)],
    take_pending_page: () => null,
    plugins_list: () => pluginsReport(),
  };
  mockIPC(
    (cmd, args) => {
      calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> });
      const answer = answers[cmd];
      if (!answer) throw { code: "internal", message: `unmocked ${cmd}`, hint: null };
      return answer((args ?? {}) as Record<string, unknown>);
    },
    { shouldMockEvents: true },
  );
});

afterEach(() => clearMocks());

/** What `plugins_list` answers: hudu's and itglue's plugins, those in `enabled` on in the user's settings. */
function pluginsReport(enabled: string[] = [], problem: string | null = null) {
  return {
    marketplace: { name: "msp-claude-plugins", source: { source: "github", repo: "wyre-technology/msp-claude-plugins" }, public: true },
    files: [{ scope: { kind: "user" }, path: "/home/t/.claude/settings.json", exists: true, problem }],
    plugins: ["hudu", "itglue"].map((slug) => ({
      vendor: slug,
      vendor_name: slug === "hudu" ? "Hudu" : "IT Glue",
      plugin: slug,
      id: `${slug}@msp-claude-plugins`,
      connected: slug === "itglue",
      enabled_in: enabled.includes(slug) ? [{ kind: "user" }] : [],
    })),
  };
}

const commands = () => calls.map((c) => c.cmd).filter((c) => !c.startsWith("plugin:"));

async function openHudu() {
  await main.go("vendors");
  document.querySelector<HTMLButtonElement>("[data-open=hudu]")!.click();
  await settle();
}

function fill(key: string, value: string) {
  document.querySelector<HTMLInputElement>(`#field-${key}`)!.value = value;
}

describe("activity page", () => {
  beforeEach(() => main.wire());
  const wipe = { id: 4, vendor: "fx", tool: "fx__wipe", arguments: { device: "d1", password: "[redacted]" }, client: "claude-ai", since: "2026-12-06T10:00:00.123Z", timeout_s: 120 };
  const records = [
    { time: "2026-12-06T10:00:01.000Z", client: "claude-ai", vendor: "fx", tool: "fx__echo", decision: "deny", outcome: "denied", duration_ms: 0.1, result_bytes: 90 },
    { time: "2026-12-06T09:59:00.000Z", client: "claude-ai", vendor: "fx", tool: "fx__wipe", decision: "confirm", approved_by: "tray", outcome: "ok", duration_ms: 5012.5, result_bytes: 40 },
  ];

  it("shows the waiting calls with their arguments and the recent calls, and approves one", async () => {
    let waiting = [wipe];
    answers.approvals_list = () => waiting;
    answers.audit_list = () => records;
    answers.approval_answer = (a) => {
      waiting = [];
      return { ...wipe, id: a.id };
    };
    await main.go("activity");
    const li = document.querySelector("li.approval[data-approval='4']")!;
    expect(li.textContent).toContain("fx__wipe");
    expect(li.textContent).toContain("claude-ai");
    expect(li.querySelector("pre")!.textContent).toContain('"password": "[redacted]"');
    const rows = [...document.querySelectorAll("table.audit tbody tr")].map((r) => r.textContent!.replace(/\s+/g, " ").trim());
    expect(rows[0]).toContain("fx__echo");
    expect(rows[0]).toContain("denied by the policy");
    expect(rows[1]).toContain("confirm (tray)");
    document.querySelector<HTMLButtonElement>("[data-approve='4']")!.click();
    await settle();
    expect(calls.find((c) => c.cmd === "approval_answer")?.args).toEqual({ id: 4, approve: true });
    expect(document.querySelector("#approval-result")!.textContent).toContain("Approved: fx__wipe");
    expect(document.querySelector("#no-approvals")).not.toBeNull();
  });

  it("declines a call, and shows an answer that came too late as an error", async () => {
    answers.approvals_list = () => [wipe];
    answers.audit_list = () => [];
    answers.approval_answer = () => {
      throw { code: "not_waiting", message: "no call 4 is waiting for approval (it may have been answered or timed out)", hint: null };
    };
    await main.go("activity");
    expect(document.body.textContent).toContain("No calls recorded yet");
    document.querySelector<HTMLButtonElement>("[data-deny='4']")!.click();
    await settle();
    expect(calls.find((c) => c.cmd === "approval_answer")?.args).toEqual({ id: 4, approve: false });
    expect(document.querySelector("#approval-result")!.textContent).toContain("not_waiting");
  });
});

describe("companion plugins", () => {
  beforeEach(() => main.wire());
  const change = (slug: string) => ({
    path: "/home/t/.claude/settings.json",
    dry_run: false,
    plugins: [`${slug}@msp-claude-plugins`],
    marketplace: true,
    diff: "",
    backup: "/b/settings.json.1",
    warnings: [],
  });

  it("shows each vendor's plugin with a switch that edits Claude Code's settings", async () => {
    let enabled: string[] = ["itglue"];
    answers.plugins_list = () => pluginsReport(enabled);
    answers.plugins_set = (a) => {
      enabled = a.enabled ? [...enabled, a.slug as string] : enabled.filter((s) => s !== a.slug);
      return change(a.slug as string);
    };
    await main.go("vendors");
    const sw = (slug: string) => document.querySelector<HTMLInputElement>(`li.vendor[data-slug=${slug}] input[data-plugin]`)!;
    expect(sw("hudu").checked).toBe(false);
    expect(sw("itglue").checked).toBe(true);
    expect(sw("hudu").getAttribute("role")).toBe("switch");
    expect(document.querySelector("li.vendor[data-slug=hudu]")!.textContent).toContain("hudu");
    sw("hudu").checked = true;
    sw("hudu").dispatchEvent(new Event("change", { bubbles: true }));
    await settle();
    expect(calls.find((c) => c.cmd === "plugins_set")?.args).toEqual({ slug: "hudu", enabled: true });
    expect(document.querySelector("li.vendor[data-slug=hudu] .plugin-result")!.textContent).toContain("Enabled hudu@msp-claude-plugins");
    // Opening the form does not open the plugin switch's card: the switch is outside the card's button.
    expect(document.querySelector("#connect-form")).toBeNull();
  });

  it("puts a failed switch back and says why", async () => {
    answers.plugins_set = () => {
      throw { code: "client_config_invalid", message: "Claude Code's settings `/home/t/.claude/settings.json` was left untouched: not JSON", hint: "fix the file" };
    };
    await main.go("vendors");
    const sw = document.querySelector<HTMLInputElement>("li.vendor[data-slug=hudu] input[data-plugin]")!;
    sw.checked = true;
    sw.dispatchEvent(new Event("change", { bubbles: true }));
    await settle();
    expect(sw.checked).toBe(false);
    expect(document.querySelector("li.vendor[data-slug=hudu] .plugin-result")!.textContent).toContain("client_config_invalid");
  });

  it("turns the switches off when Claude Code's settings cannot be read", async () => {
    answers.plugins_list = () => pluginsReport([], "not JSON at line 1");
    await main.go("vendors");
    expect(document.querySelector("input[data-plugin]")).toBeNull();
    expect(document.querySelector("#plugins-problem")!.textContent).toContain("not JSON at line 1");
  });

  it("offers the plugin after a connect, and enables it on the click", async () => {
    let connected = false;
    let enabled: string[] = [];
    answers.vendors_list = () => [vendor("hudu", "Hudu", "documentation", connected)];
    answers.plugins_list = () => pluginsReport(enabled);
    answers.vendor_connect = () => {
      connected = true;
      return { saved: true, probe: { result: "ok", message: "GET /api/v1/companies: 200", status: 200, step: "company list", elapsed_ms: 5 } };
    };
    answers.plugins_set = (a) => {
      enabled = ["hudu"];
      return change(a.slug as string);
    };
    await openHudu();
    expect(document.querySelector("#plugin-switch")).not.toBeNull();
    fill("base_url", "https://acme.huducloud.com");
    fill("api_key", "k");
    document.querySelector<HTMLFormElement>("#connect-form")!.requestSubmit();
    await settle();
    expect(document.querySelector("#plugin-offer")!.textContent).toContain("companion plugin hudu");
    document.querySelector<HTMLButtonElement>("#plugin-offer-enable")!.click();
    await settle();
    expect(calls.filter((c) => c.cmd === "plugins_set").map((c) => c.args)).toEqual([{ slug: "hudu", enabled: true }]);
    expect(document.querySelector("#plugin-result")!.textContent).toContain("Enabled hudu@msp-claude-plugins");
    expect(document.querySelector<HTMLInputElement>("#plugin-switch")!.checked).toBe(true);
  });

  it("does not offer a plugin that is already enabled, and Not now dismisses the offer", async () => {
    answers.vendors_list = () => [vendor("hudu", "Hudu", "documentation", true)];
    answers.vendor_connect = () => ({ saved: true, probe: null });
    answers.plugins_list = () => pluginsReport(["hudu"]);
    await openHudu();
    fill("base_url", "https://acme.huducloud.com");
    fill("api_key", "k");
    document.querySelector<HTMLFormElement>("#connect-form")!.requestSubmit();
    await settle();
    expect(document.querySelector("#plugin-offer")).toBeNull();
    answers.plugins_list = () => pluginsReport([]);
    document.querySelector<HTMLButtonElement>("#form-close")!.click();
    await main.go("vendors");
    await openHudu();
    fill("base_url", "https://acme.huducloud.com");
    fill("api_key", "k");
    document.querySelector<HTMLFormElement>("#connect-form")!.requestSubmit();
    await settle();
    document.querySelector<HTMLButtonElement>("#plugin-offer-dismiss")!.click();
    expect(document.querySelector("#plugin-offer")).toBeNull();
    expect(calls.some((c) => c.cmd === "plugins_set")).toBe(false);
  });
});

describe("vendors page", () => {
  it("blocks an incomplete form, focuses the first gap, and calls nothing", async () => {
    main.wire();
    await openHudu();
    fill("base_url", "https://acme.example.com");
    document.querySelector<HTMLButtonElement>("#connect-submit")!.click();
    await settle();
    expect(commands()).not.toContain("vendor_connect");
    expect(document.querySelector("#field-api_key-invalid")!.hasAttribute("hidden")).toBe(false);
    expect(document.activeElement?.id).toBe("field-api_key");
  });

  it("sends exactly the form's fields and shows the result in words", async () => {
    for (const [result, words] of [
      ["ok", "accepted these credentials"],
      ["invalid_credentials", "rejected these credentials"],
      ["wrong_region_or_url", "not found at this address"],
      ["vendor_unreachable", "Could not reach Hudu"],
      ["unexpected_response", "unexpected way"],
    ]) {
      answers.vendor_connect = () => ({ saved: result === "ok", probe: { result, message: "detail", status: 200, step: null, elapsed_ms: 5 } });
      await openHudu();
      fill("base_url", "https://acme.example.com");
      fill("api_key", "k-123");
      document.querySelector<HTMLButtonElement>("#connect-submit")!.click();
      await settle();
      const call = calls.find((c) => c.cmd === "vendor_connect")!;
      expect(call.args).toEqual({ slug: "hudu", fields: { base_url: "https://acme.example.com", api_key: "k-123", region: "eu" } });
      const out = document.querySelector<HTMLElement>("#connect-result")!;
      expect(out.dataset.result).toBe(result);
      expect(out.textContent).toContain(words);
      expect(out.textContent?.includes("Nothing was saved")).toBe(result !== "ok");
      calls = [];
    }
  });

  it("shows a command error with its code and hint", async () => {
    answers.vendor_connect = () => {
      throw { code: "keychain_unavailable", message: "the keychain is locked", hint: "Unlock it and try again." };
    };
    await openHudu();
    fill("base_url", "https://a.example");
    fill("api_key", "k");
    document.querySelector<HTMLButtonElement>("#connect-submit")!.click();
    await settle();
    const alert = document.querySelector("#connect-result [role=alert]")!;
    expect(alert.textContent).toContain("keychain_unavailable: the keychain is locked");
    expect(alert.textContent).toContain("Unlock it and try again.");
  });

  it("reveals a secret on request and closes the form with Escape", async () => {
    await openHudu();
    const key = document.querySelector<HTMLInputElement>("#field-api_key")!;
    document.querySelector<HTMLButtonElement>("[data-reveal=field-api_key]")!.click();
    expect(key.type).toBe("text");
    document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape" }));
    await settle();
    expect(document.querySelector("#connect-form")).toBeNull();
    expect(document.querySelectorAll("li.vendor")).toHaveLength(2);
  });
});

describe("vendors page, connected", () => {
  const probe = (result: string) => ({ result, message: `said <${result}>`, status: 401, step: "GET /api/me", elapsed_ms: 40 });

  it("after a saved connect redraws the form as connected, keeping the result", async () => {
    let connected = false;
    answers.vendors_list = () => [vendor("hudu", "Hudu", "documentation", connected)];
    answers.vendor_connect = () => {
      connected = true;
      return { saved: true, probe: probe("ok") };
    };
    await openHudu();
    expect(document.querySelector("#vendor-test")).toBeNull();
    fill("base_url", "https://a.example");
    fill("api_key", "k");
    document.querySelector<HTMLButtonElement>("#connect-submit")!.click();
    await settle();
    expect(commands().filter((c) => c === "vendors_list")).toHaveLength(2);
    const out = document.querySelector<HTMLElement>("#connect-result")!;
    expect(out.dataset.result).toBe("ok");
    expect(out.textContent).toContain("Connected. Hudu accepted these credentials.");
    expect(out.querySelector(".small")!.textContent).toBe("said <ok>");
    expect(out.textContent).not.toContain("Nothing was saved");
    expect(document.querySelector("#vendor-test")).not.toBeNull();
    expect(document.querySelector("#field-api_key-stored")!.textContent).toContain("Stored in the keychain; enter it again");
    expect(document.querySelector<HTMLButtonElement>("#connect-submit")!.disabled).toBe(false);
  });

  it("says the button is busy while checking", async () => {
    let release!: () => void;
    answers.vendor_connect = () => new Promise((r) => (release = () => r({ saved: false, probe: probe("vendor_unreachable") })));
    await openHudu();
    fill("base_url", "https://a.example");
    fill("api_key", "k");
    document.querySelector<HTMLButtonElement>("#connect-submit")!.click();
    await settle();
    expect(document.querySelector<HTMLButtonElement>("#connect-submit")!.disabled).toBe(true);
    expect(document.querySelector("#connect-result")!.textContent).toContain("Checking your credentials with Hudu…");
    expect(document.querySelector<HTMLElement>("#connect-result")!.dataset.result).toBe("pending");
    release();
    await settle();
    expect(document.querySelector<HTMLButtonElement>("#connect-submit")!.disabled).toBe(false);
    expect(document.querySelector("#connect-result")!.textContent).toContain("Could not reach Hudu. Check the network, proxy or the URL.");
    expect(document.querySelector("#connect-result")!.textContent).toContain("Nothing was saved");
  });

  it("tests the stored credentials by slug and words the result", async () => {
    answers.vendor_test = () => probe("invalid_credentials");
    await main.go("vendors");
    document.querySelector<HTMLButtonElement>("[data-open=itglue]")!.click();
    await settle();
    expect(document.querySelector<HTMLInputElement>("#field-base_url")!.value).toBe("https://a.example");
    expect(document.querySelector<HTMLInputElement>("#field-api_key")!.value).toBe("");
    document.querySelector<HTMLButtonElement>("#vendor-test")!.click();
    await settle();
    expect(calls.find((c) => c.cmd === "vendor_test")!.args).toEqual({ slug: "itglue" });
    const out = document.querySelector<HTMLElement>("#connect-result")!;
    expect(out.dataset.result).toBe("invalid_credentials");
    expect(out.textContent).toContain("IT Glue rejected these credentials. Check the API key/secret and that the API user is active.");
  });

  it("disconnects only after an inline confirmation, then lists the vendor as not connected", async () => {
    let connected = true;
    answers.vendors_list = () => [vendor("itglue", "IT Glue", "documentation", connected)];
    answers.vendor_disconnect = () => {
      connected = false;
      return null;
    };
    main.wire();
    await main.go("vendors");
    document.querySelector<HTMLButtonElement>("[data-open=itglue]")!.click();
    await settle();
    document.querySelector<HTMLButtonElement>("#vendor-disconnect")!.click();
    expect(document.activeElement?.id).toBe("cancel-disconnect");
    document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape" }));
    expect(document.querySelector(".confirm")).toBeNull();
    expect(document.querySelector("#connect-form")).not.toBeNull();
    expect(commands()).not.toContain("vendor_disconnect");
    document.querySelector<HTMLButtonElement>("#vendor-disconnect")!.click();
    document.querySelector<HTMLButtonElement>("#confirm-disconnect")!.click();
    await settle();
    expect(calls.find((c) => c.cmd === "vendor_disconnect")!.args).toEqual({ slug: "itglue" });
    expect(document.querySelector("#connect-form")).toBeNull();
    expect(document.querySelector("li.vendor[data-slug=itglue] .badge")!.textContent).toBe("Not connected");
  });

  it("links the docs and asks the app to open them", async () => {
    answers.open_docs = () => null;
    await openHudu();
    const a = document.querySelector<HTMLAnchorElement>("#connect-form a[data-docs]")!;
    expect(a.getAttribute("href")).toBe("https://example.com");
    expect(a.target).toBe("_blank");
    expect(a.rel).toBe("noopener");
    a.click();
    await settle();
    expect(calls.find((c) => c.cmd === "open_docs")!.args).toEqual({ slug: "hudu" });
  });

  it("escapes hostile vendor data and error text", async () => {
    const evil = '<img src=x onerror="globalThis.pwned=1">';
    answers.vendors_list = () => [{ ...vendor("evil", evil, evil), description: evil }];
    answers.vendor_connect = () => {
      throw { code: "<b>x</b>", message: evil, hint: evil };
    };
    await main.go("vendors");
    expect(document.querySelector("main img")).toBeNull();
    expect(document.querySelector("li.vendor .name")!.textContent).toBe(evil);
    document.querySelector<HTMLButtonElement>("[data-open=evil]")!.click();
    await settle();
    fill("base_url", "https://a.example");
    fill("api_key", "k");
    document.querySelector<HTMLButtonElement>("#connect-submit")!.click();
    await settle();
    expect(document.querySelector("main img, main b")).toBeNull();
    expect(document.querySelector("#connect-result strong")!.textContent).toBe("<b>x</b>");
    expect(document.querySelector("#connect-result .hint")!.textContent).toBe(evil);
    expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
  });
});

describe("servers page", () => {
  const report = (state: ServerState): StatusReport => ({
    daemon: { running: true, pid: 1, version: "0.1.0", endpoint: "/run/sb/daemon.sock" },
    vendors: [{ slug: "itglue", name: "IT Glue", state, source: "catalog", pid: 9, uptime_s: 5, restarts: 0, tools: 3, memory_bytes: 1048576, last_error: null, stderr_tail: [], served_by: "local" }],
    gateway: null,
  });

  it("renders the status and re-renders on a status-changed event, keeping an open log", async () => {
    answers.servers_status = () => report("running");
    answers.server_logs = (a) => [`log of ${a.slug} (${a.lines})`];
    await main.start();
    await main.go("servers");
    await settle();
    expect(document.querySelector("main")!.innerHTML).toContain("pill");
    expect(document.querySelector(".pill")!.textContent).toBe("Running");
    document.querySelector<HTMLButtonElement>("[data-logs=itglue]")!.click();
    await settle();
    expect(document.querySelector("pre.log")!.textContent).toBe("log of itglue (200)");
    await emit("status-changed", report("backing_off"));
    await settle();
    expect(document.querySelector(".pill")!.textContent).toBe("Restarting after a crash");
    expect(document.querySelector("pre.log")).not.toBeNull();
  });

  it("keeps focus on the same button across a live update", async () => {
    answers.servers_status = () => report("running");
    main.wire();
    await main.start();
    await main.go("servers");
    document.querySelector<HTMLButtonElement>("#stop-itglue")!.focus();
    await emit("status-changed", report("idle"));
    await settle();
    expect(document.querySelector(".pill")!.textContent).toBe("Connected, idle");
    expect(document.activeElement?.id).toBe("stop-itglue");
    expect(commands().filter((c) => c === "servers_status")).toHaveLength(1);
  });

  it("shows memory, a friendly empty state and a stopped supervisor", async () => {
    answers.servers_status = () =>
      ({ daemon: { running: false, endpoint: "/run/sb/daemon.sock" }, vendors: [{ ...report("running").vendors[0], state: "not_connected", served_by: null }], gateway: null }) satisfies StatusReport;
    main.wire();
    await main.go("servers");
    expect(document.querySelector("main")!.textContent).toContain("Supervisor not running");
    expect(document.querySelector("main")!.textContent).toContain("No vendor connected yet");
    document.querySelector<HTMLButtonElement>("#goto-vendors")!.click();
    await settle();
    expect(document.body.dataset.page).toBe("vendors");
    expect(document.querySelectorAll("li.vendor")).toHaveLength(2);
  });

  it("shows a failed restart above the table, and escapes log lines", async () => {
    answers.servers_status = () => report("failed");
    answers.server_restart = () => {
      throw { code: "daemon_unreachable", message: "no supervisor", hint: "Quit and reopen Switchboard." };
    };
    answers.server_logs = () => ["<script>alert(1)</script>", "second"];
    main.wire();
    await main.go("servers");
    expect(document.querySelector("td:nth-child(6)")!.textContent).toBe("1.0 MB");
    document.querySelector<HTMLButtonElement>("#restart-itglue")!.click();
    await settle();
    expect(document.querySelector("#servers-message [role=alert]")!.textContent).toContain("daemon_unreachable: no supervisor");
    expect(document.querySelector("table.servers")).not.toBeNull();
    document.querySelector<HTMLButtonElement>("#logs-itglue")!.click();
    await settle();
    expect(document.querySelector("pre.log script")).toBeNull();
    expect(document.querySelector("#log-itglue")!.textContent).toBe("<script>alert(1)</script>\nsecond");
    document.querySelector<HTMLButtonElement>("#logs-refresh-itglue")!.click();
    await settle();
    expect(calls.filter((c) => c.cmd === "server_logs").map((c) => c.args)).toEqual([
      { slug: "itglue", lines: 200 },
      { slug: "itglue", lines: 200 },
    ]);
    document.querySelector<HTMLButtonElement>("#logs-itglue")!.click();
    await settle();
    expect(document.querySelector("#log-itglue")).toBeNull();
  });

  it("restarts and stops by slug", async () => {
    answers.servers_status = () => report("running");
    answers.server_restart = () => null;
    answers.server_stop = () => null;
    main.wire();
    await main.go("servers");
    document.querySelector<HTMLButtonElement>("[data-restart=itglue]")!.click();
    document.querySelector<HTMLButtonElement>("[data-stop=itglue]")!.click();
    await settle();
    expect(calls.filter((c) => c.cmd.startsWith("server_")).map((c) => [c.cmd, c.args.slug])).toEqual([
      ["server_restart", "itglue"],
      ["server_stop", "itglue"],
    ]);
  });
});

describe("clients page", () => {
  it("previews, then installs, and shows the outcome", async () => {
    let installed = false;
    answers.clients_list = () => [
      { client: "claude-desktop", name: "Claude Desktop", path: "/h/.config/Claude/claude_desktop_config.json", exists: true, problem: null, installed, command_ok: installed, command: null },
    ];
    answers.client_preview = (a) => ({ client: a.client, path: "/p", action: "added", dry_run: true, diff: '+  "switchboard": {}', backup: null, warnings: [] });
    answers.client_install = (a) => {
      installed = true;
      return { client: a.client, path: "/p", action: "added", dry_run: false, diff: "", backup: "/b/1.json", warnings: ["Claude Desktop is running; restart it."] };
    };
    main.wire();
    await main.go("clients");
    document.querySelector<HTMLButtonElement>("[data-preview=claude-desktop]")!.click();
    await settle();
    expect(calls.find((c) => c.cmd === "client_preview")!.args).toEqual({ client: "claude-desktop", uninstall: false });
    expect(document.querySelector(".diff .add")!.textContent).toBe('+  "switchboard": {}');
    document.querySelector<HTMLButtonElement>("#install-claude-desktop")!.click();
    await settle();
    expect(calls.find((c) => c.cmd === "client_install")!.args).toEqual({ client: "claude-desktop" });
    const result = document.querySelector("#result-claude-desktop")!.textContent!;
    expect(result).toContain("Installed");
    expect(result).toContain("/b/1.json");
    expect(result).toContain("restart it");
    expect(document.querySelector("#uninstall-claude-desktop")).not.toBeNull();
  });
});

describe("clients page, more", () => {
  const desktop = (over: object = {}) => ({
    client: "claude-desktop", name: "Claude Desktop", path: "/c.json", exists: true, problem: null, installed: true, command_ok: true, command: "/bin/sb", ...over,
  });

  it("previews an uninstall, writes it from the preview, and words the outcome", async () => {
    let installed = true;
    answers.clients_list = () => [desktop({ installed, command_ok: installed })];
    answers.client_preview = (a) => ({ client: a.client, path: "/c.json", action: "removed", dry_run: true, diff: '--- a\n+++ b\n-  "switchboard": {}', backup: null, warnings: [] });
    answers.client_uninstall = (a) => {
      installed = false;
      return { client: a.client, path: "/c.json", action: "removed", dry_run: false, diff: "", backup: "/c.json.bak", warnings: [] };
    };
    main.wire();
    await main.go("clients");
    expect(document.querySelector(".client .badge")!.textContent).toBe("Installed");
    document.querySelector<HTMLButtonElement>("#preview-claude-desktop")!.click();
    await settle();
    expect(calls.find((c) => c.cmd === "client_preview")!.args).toEqual({ client: "claude-desktop", uninstall: true });
    expect(document.querySelector(".diff .del")!.textContent).toBe('-  "switchboard": {}');
    document.querySelector<HTMLButtonElement>("#write-claude-desktop")!.click();
    await settle();
    expect(calls.find((c) => c.cmd === "client_uninstall")!.args).toEqual({ client: "claude-desktop" });
    expect(document.querySelector("#result-claude-desktop")!.textContent).toContain("Removed");
    expect(document.querySelector("#install-claude-desktop")).not.toBeNull();
  });

  it("says when nothing changes, and names problems", async () => {
    answers.clients_list = () => [desktop({ installed: true, command_ok: false }), desktop({ client: "cursor", name: "Cursor", installed: false, problem: "not JSON <line 3>" })];
    answers.client_preview = (a) => ({ client: a.client, path: "/c.json", action: "unchanged", dry_run: true, diff: "", backup: null, warnings: [] });
    answers.client_install = (a) => ({ client: a.client, path: "/c.json", action: "unchanged", dry_run: false, diff: "", backup: null, warnings: [] });
    main.wire();
    await main.go("clients");
    const badges = [...document.querySelectorAll(".client .badge")].map((b) => b.textContent);
    expect(badges).toEqual(["Installed, but the command is missing", "Config problem: not JSON <line 3>"]);
    expect(document.querySelector<HTMLButtonElement>("#install-cursor")!.disabled).toBe(true);
    document.querySelector<HTMLButtonElement>("#preview-claude-desktop")!.click();
    await settle();
    expect(document.querySelector("#result-claude-desktop")!.textContent).toContain("No change needed");
    expect(document.querySelector("#write-claude-desktop")).toBeNull();
  });

  it("shows an install error with code and hint", async () => {
    answers.clients_list = () => [desktop({ installed: false, command_ok: false })];
    answers.client_install = () => {
      throw { code: "config_unreadable", message: "permission denied", hint: "Close the client and try again." };
    };
    main.wire();
    await main.go("clients");
    document.querySelector<HTMLButtonElement>("#install-claude-desktop")!.click();
    await settle();
    expect(document.querySelector("#result-claude-desktop [role=alert]")!.textContent).toContain("config_unreadable: permission denied");
    expect(document.querySelector("#result-claude-desktop .hint")!.textContent).toBe("Close the client and try again.");
    expect(document.querySelector<HTMLButtonElement>("#install-claude-desktop")!.disabled).toBe(false);
  });
});

describe("settings page", () => {
  it("shows minutes, saves seconds", async () => {
    answers.settings_get = () => ({ idle_timeout_s: 600, compact: false, log_level: "info", start_at_login: false, update_endpoint: "https://u.example/x" });
    answers.settings_set = (a) => a.settings;
    await main.go("settings");
    const idle = document.querySelector<HTMLInputElement>("#idle")!;
    expect(idle.value).toBe("10");
    idle.value = "3";
    document.querySelector<HTMLInputElement>("#compact")!.checked = true;
    document.querySelector<HTMLFormElement>("#settings-form")!.requestSubmit();
    await settle();
    expect(calls.find((c) => c.cmd === "settings_set")?.args, JSON.stringify(calls)).toEqual({
      settings: {
        idle_timeout_s: 180,
        compact: true,
        start_at_login: false,
        log_level: "info",
        update_endpoint: "https://u.example/x",
        check_updates_daily: true,
        plugin_marketplace_name: "",
        plugin_marketplace: "",
      },
    });
    expect(document.querySelector("#settings-result")!.textContent).toContain("Saved");
  });

  it("saves an MSP's own plugin marketplace, and refuses half of one without calling", async () => {
    answers.settings_get = () => ({ idle_timeout_s: 600, compact: false, log_level: "info", start_at_login: false, update_endpoint: "" });
    answers.settings_set = (a) => a.settings;
    await main.go("settings");
    const name = document.querySelector<HTMLInputElement>("#market-name")!;
    const source = document.querySelector<HTMLInputElement>("#market-source")!;
    name.value = "acme-plugins";
    document.querySelector<HTMLFormElement>("#settings-form")!.requestSubmit();
    await settle();
    expect(commands()).toEqual(["settings_get"]);
    expect(document.querySelector<HTMLElement>("#market-invalid")!.hidden).toBe(false);
    expect(document.activeElement).toBe(source);
    source.value = " acme/claude-plugins ";
    document.querySelector<HTMLFormElement>("#settings-form")!.requestSubmit();
    await settle();
    const sent = calls.find((c) => c.cmd === "settings_set")?.args.settings as Record<string, unknown>;
    expect([sent.plugin_marketplace_name, sent.plugin_marketplace]).toEqual(["acme-plugins", "acme/claude-plugins"]);
    expect(document.querySelector<HTMLElement>("#market-invalid")!.hidden).toBe(true);
  });

  it("reports an available update", async () => {
    answers.settings_get = () => ({ idle_timeout_s: 600, compact: false, log_level: "info", start_at_login: false, update_endpoint: "" });
    answers.updates_check = () => ({ status: "available", current: "0.1.0", latest: "0.2.0", notes: "Faster" });
    await main.go("settings");
    document.querySelector<HTMLButtonElement>("#check-updates")!.click();
    await settle();
    expect(document.querySelector("#update-result")!.textContent).toContain("Version 0.2.0 is available");
    expect(document.querySelector("#update-result")!.textContent).toContain("Faster");
    // Nothing is installed until the technician clicks Install.
    expect(commands()).not.toContain("updates_install");
  });

  it("installs only on the click, and shows a refusal in words", async () => {
    answers.settings_get = () => ({ idle_timeout_s: 600, compact: false, log_level: "info", start_at_login: false, update_endpoint: "" });
    answers.updates_check = () => ({ status: "available", current: "0.1.0", latest: "0.2.0", notes: "- Faster start" });
    answers.updates_install = () => {
      throw { code: "update_failed", message: "Switchboard 0.2.0 was not installed: its signature does not match the download. You still have 0.1.0.", hint: "nothing was changed" };
    };
    await main.go("settings");
    document.querySelector<HTMLButtonElement>("#check-updates")!.click();
    await settle();
    const install = document.querySelector<HTMLButtonElement>("#install-update")!;
    expect(install.textContent).toBe("Install Switchboard 0.2.0");
    install.click();
    await settle();
    expect(commands()).toContain("updates_install");
    const alert = document.querySelector("#update-result [role=alert]")!;
    expect(alert.textContent).toContain("signature does not match");
    expect(alert.textContent).toContain("You still have 0.1.0");
  });

  it("the daily check is a setting, read-only when the MSP locks it", async () => {
    answers.settings_get = () => ({ idle_timeout_s: 600, compact: false, log_level: "info", start_at_login: false, update_endpoint: "", check_updates_daily: false, managed_by: "Acme IT", locked: ["updates.check_daily"], version: "0.1.0" });
    await main.go("settings");
    const daily = document.querySelector<HTMLInputElement>("#daily")!;
    expect(daily.checked).toBe(false);
    expect(daily.disabled).toBe(true);
    expect(daily.closest(".field")!.textContent).toContain("Managed by Acme IT");
    expect(daily.closest(".field")!.textContent).toContain("You have 0.1.0");
  });

  it("says so when up to date, and shows a failed check as an error", async () => {
    answers.settings_get = () => ({ idle_timeout_s: 60, compact: true, log_level: "debug", start_at_login: true, update_endpoint: "" });
    answers.updates_check = () => ({ status: "up_to_date", current: "0.1.0", latest: null, notes: null });
    await main.go("settings");
    expect(document.querySelector<HTMLSelectElement>("#level")!.value).toBe("debug");
    expect(document.querySelector<HTMLInputElement>("#compact")!.checked).toBe(true);
    expect(document.querySelector<HTMLInputElement>("#autostart")!.checked).toBe(true);
    document.querySelector<HTMLButtonElement>("#check-updates")!.click();
    await settle();
    expect(document.querySelector("#update-result")!.textContent).toContain("Switchboard 0.1.0 is up to date");
    answers.updates_check = () => {
      throw { code: "update_failed", message: "endpoint <down>", hint: "Check the update endpoint." };
    };
    document.querySelector<HTMLButtonElement>("#check-updates")!.click();
    await settle();
    const alert = document.querySelector("#update-result [role=alert]")!;
    expect(alert.querySelector("strong")!.textContent).toBe("update_failed");
    expect(alert.textContent).toContain("endpoint <down>");
    expect(alert.querySelector(".hint")!.textContent).toBe("Check the update endpoint.");
  });

  it("refuses an idle timeout under a minute without calling", async () => {
    answers.settings_get = () => ({ idle_timeout_s: 600, compact: false, log_level: "info", start_at_login: false, update_endpoint: "" });
    await main.go("settings");
    document.querySelector<HTMLInputElement>("#idle")!.value = "0";
    document.querySelector<HTMLFormElement>("#settings-form")!.requestSubmit();
    await settle();
    expect(commands()).not.toContain("settings_set");
    expect(document.querySelector("#idle-invalid")!.hasAttribute("hidden")).toBe(false);
    expect(document.activeElement?.id).toBe("idle");
  });

  it("shows a save error with its code and hint", async () => {
    answers.settings_get = () => ({ idle_timeout_s: 600, compact: false, log_level: "info", start_at_login: false, update_endpoint: "" });
    answers.settings_set = () => {
      throw { code: "invalid_settings", message: "update endpoint must be https", hint: "Use an https:// URL." };
    };
    await main.go("settings");
    document.querySelector<HTMLFormElement>("#settings-form")!.requestSubmit();
    await settle();
    expect(document.querySelector("#settings-result [role=alert]")!.textContent).toContain("invalid_settings: update endpoint must be https");
    expect(document.querySelector("#settings-result .hint")!.textContent).toBe("Use an https:// URL.");
  });
});

describe("keyboard", () => {
  it("focuses the search with / and Ctrl+F, from any page, and filters", async () => {
    answers.servers_status = () => ({ daemon: { running: true, pid: 1, version: "0.1.0", endpoint: "/run/sb/daemon.sock" }, vendors: [], gateway: null }) satisfies StatusReport;
    main.wire();
    await main.go("servers");
    document.dispatchEvent(new KeyboardEvent("keydown", { key: "f", ctrlKey: true }));
    await settle();
    expect(document.body.dataset.page).toBe("vendors");
    expect(document.activeElement?.id).toBe("search");
    const search = document.querySelector<HTMLInputElement>("#search")!;
    search.value = "glue";
    search.dispatchEvent(new Event("input", { bubbles: true }));
    expect([...document.querySelectorAll("li.vendor")].map((l) => l.getAttribute("data-slug"))).toEqual(["itglue"]);
    search.blur();
    document.body.dispatchEvent(new KeyboardEvent("keydown", { key: "/", bubbles: true }));
    expect(document.activeElement?.id).toBe("search");
  });

  it("does not steal / while typing in a field", async () => {
    main.wire();
    await openHudu();
    const input = document.querySelector<HTMLInputElement>("#field-base_url")!;
    input.focus();
    const ev = new KeyboardEvent("keydown", { key: "/", bubbles: true, cancelable: true });
    input.dispatchEvent(ev);
    expect(ev.defaultPrevented).toBe(false);
    expect(document.activeElement?.id).toBe("field-base_url");
  });
});

describe("team page", () => {
  const signedOut = (problem: string | null = null): TeamView => ({
    signed_in: false,
    endpoint: "https://conduit.wyre.ai/v1/mcp",
    oauth: true,
    account: null,
    team: null,
    expires_at: null,
    state: null,
    problem,
    vendors: [{ slug: "hudu", name: "Hudu", served_by: "local", tools: 4 }],
  });
  const signedIn = (): TeamView => ({
    ...signedOut(),
    signed_in: true,
    endpoint: "https://gw.acme.example/v1/mcp",
    account: "tech@acme.example",
    team: "Acme <MSP>",
    expires_at: Math.floor(Date.now() / 1000) + 1800,
    state: "running",
    vendors: [
      { slug: "autotask", name: "Autotask", served_by: "gateway", tools: 12 },
      { slug: "hudu", name: "Hudu", served_by: "local", tools: 4 },
    ],
  });

  it("starts the sign-in when the tray's Sign in to team… opened the window, and not when signed in", async () => {
    answers.team_status = () => signedOut();
    answers.team_login = () => new Promise<TeamView>(() => undefined);
    await main.arrive({ page: "team", slug: null, action: "sign-in" });
    await settle();
    expect(calls.find((c) => c.cmd === "team_login")!.args).toEqual({ gateway: "https://conduit.wyre.ai/v1/mcp" });
    expect(document.querySelector<HTMLButtonElement>("#team-sign-in")!.disabled).toBe(true);
    main.resetState();
    calls = [];
    answers.team_status = () => signedIn();
    await main.arrive({ page: "team", action: "sign-in" });
    await settle();
    expect(commands()).not.toContain("team_login");
    // A plain page request starts nothing.
    await main.arrive({ page: "vendors", slug: "hudu" });
    expect(commands()).not.toContain("team_login");
  });

  it("signs in with the typed address, shows the browser's progress and the address to open by hand, then who is signed in", async () => {
    let team = signedOut();
    let finish: (t: TeamView) => void = () => undefined;
    answers.team_status = () => team;
    answers.team_login = () => new Promise<TeamView>((resolve) => (finish = resolve));
    await main.start();
    await main.go("team");
    const main_ = document.querySelector("main")!;
    expect(main_.textContent).toContain("Sign in to your team's hosted gateway");
    expect(main_.querySelector("tr[data-slug=hudu]")!.textContent).toContain("This computer");
    document.querySelector<HTMLInputElement>("#gateway")!.value = "https://gw.acme.example";
    document.querySelector<HTMLButtonElement>("#team-sign-in")!.click();
    await settle();
    expect(calls.find((c) => c.cmd === "team_login")!.args).toEqual({ gateway: "https://gw.acme.example" });
    expect(document.querySelector<HTMLButtonElement>("#team-sign-in")!.disabled).toBe(true);
    await emit("team-progress", { message: "Your browser is open at the gateway's sign-in page; finish signing in there.", url: "https://gw.acme.example/oauth/authorize?x=<1>" });
    await settle();
    const result = document.querySelector("#team-result")!;
    expect(result.textContent).toContain("finish signing in there");
    expect(result.querySelector("pre.url")!.textContent).toBe("https://gw.acme.example/oauth/authorize?x=<1>");
    expect(document.querySelector<HTMLInputElement>("#gateway")!.value).toBe("https://gw.acme.example");
    team = signedIn();
    finish(team);
    await settle();
    expect(document.querySelector("#team-result")!.textContent).toContain("Signed in as tech@acme.example (Acme <MSP>)");
    const dl = document.querySelector("dl.team")!.textContent!;
    expect(dl).toContain("tech@acme.example");
    expect(dl).toContain("Acme <MSP>");
    expect(dl).toMatch(/expires in (29|30) min/);
    expect(document.querySelector("dl.team")!.innerHTML).not.toContain("<MSP>");
    expect(document.querySelector("tr[data-slug=autotask]")!.textContent).toContain("Team gateway");
  });

  it("refuses an address that is not http(s) without calling, and shows a failed sign-in with its hint", async () => {
    answers.team_status = () => signedOut();
    answers.team_login = () => {
      throw { code: "sign_in_failed", message: "the sign-in was refused: access_denied", hint: "start the sign-in again on the Team page or from the tray menu" };
    };
    await main.go("team");
    document.querySelector<HTMLInputElement>("#gateway")!.value = "conduit";
    document.querySelector<HTMLButtonElement>("#team-sign-in")!.click();
    await settle();
    expect(document.querySelector("#gateway-invalid")!.hasAttribute("hidden")).toBe(false);
    expect(commands()).not.toContain("team_login");
    document.querySelector<HTMLInputElement>("#gateway")!.value = "";
    document.querySelector<HTMLButtonElement>("#team-sign-in")!.click();
    await settle();
    expect(calls.find((c) => c.cmd === "team_login")!.args).toEqual({ gateway: null });
    const alert = document.querySelector("#team-result [role=alert]")!;
    expect(alert.textContent).toContain("sign_in_failed");
    expect(alert.textContent).toContain("start the sign-in again on the Team page");
    expect(document.querySelector<HTMLButtonElement>("#team-sign-in")!.disabled).toBe(false);
  });

  it("says when the sign-in expired, and signs out", async () => {
    answers.team_status = () => signedOut("the team sign-in has expired and could not be renewed (invalid_grant)");
    await main.go("team");
    expect(document.querySelector("main [role=alert]")!.textContent).toContain("Your team sign-in is over");
    let team = signedIn();
    answers.team_status = () => team;
    answers.team_logout = () => {
      team = signedOut();
      return { endpoint: "https://gw.acme.example/v1/mcp", revoked: 2, revoke_problem: null, keychain_items: 2 };
    };
    await main.go("team");
    document.querySelector<HTMLButtonElement>("#team-sign-out")!.click();
    await settle();
    expect(commands()).toContain("team_logout");
    expect(document.querySelector("#team-result")!.textContent).toContain("Signed out of https://gw.acme.example/v1/mcp");
    expect(document.querySelector("#team-sign-in")).not.toBeNull();
  });
});

describe("servers page, team vendors", () => {
  it("shows who serves each vendor and offers no restart for one the team gateway serves", async () => {
    const row = { state: "running" as const, source: "gateway" as const, pid: null, uptime_s: null, restarts: 0, tools: 2, memory_bytes: null, last_error: null, stderr_tail: [] };
    answers.servers_status = () =>
      ({
        daemon: { running: true, pid: 1, version: "0.1.0", endpoint: "/run/sb/daemon.sock" },
        vendors: [
          { ...row, slug: "autotask", name: "Autotask", served_by: "gateway" },
          { ...row, slug: "hudu", name: "Hudu", source: "catalog", pid: 5, served_by: "local" },
        ],
        gateway: null,
      }) satisfies StatusReport;
    await main.go("servers");
    const autotask = document.querySelector("tr[data-slug=autotask]")!;
    expect(autotask.textContent).toContain("Team gateway");
    expect(autotask.querySelector("button")).toBeNull();
    expect(document.querySelector("tr[data-slug=hudu]")!.textContent).toContain("This computer");
    expect(document.querySelector("#restart-hudu")).not.toBeNull();
  });
});

describe("navigation", () => {
  it("switches pages with Ctrl+number and follows the tray's navigate event", async () => {
    answers.servers_status = () => ({ daemon: { running: false, endpoint: "/run/sb/daemon.sock" }, vendors: [], gateway: null }) satisfies StatusReport;
    await main.start();
    document.dispatchEvent(new KeyboardEvent("keydown", { key: "2", ctrlKey: true }));
    await settle();
    expect(document.body.dataset.page).toBe("servers");
    expect(document.querySelector("nav [data-page=servers]")!.getAttribute("aria-current")).toBe("page");
    await emit("navigate", { page: "vendors", slug: "hudu" });
    await settle();
    expect(document.querySelector("#connect-form")!.getAttribute("data-slug")).toBe("hudu");
  });
});
