// The pages against a mocked IPC: which commands they call, with which arguments,
// and what they show for each answer.
/// <reference types="vite/client" />
import indexHtml from "../index.html?raw";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import type { StatusReport } from "./api";
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
  calls = [];
  answers = {
    vendors_list: () => [vendor("hudu", "Hudu", "documentation"), vendor("itglue", "IT Glue", "documentation", true)],
    take_pending_page: () => null,
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

const commands = () => calls.map((c) => c.cmd).filter((c) => !c.startsWith("plugin:"));

async function openHudu() {
  await main.go("vendors");
  document.querySelector<HTMLButtonElement>("[data-open=hudu]")!.click();
  await settle();
}

function fill(key: string, value: string) {
  document.querySelector<HTMLInputElement>(`#field-${key}`)!.value = value;
}

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

describe("servers page", () => {
  const report = (state: string): StatusReport => ({
    daemon: { running: true, pid: 1, version: "0.1.0" },
    vendors: [{ slug: "itglue", name: "IT Glue", state: state as never, source: "catalog", pid: 9, uptime_s: 5, restarts: 0, tools: 3, memory_bytes: 1048576, last_error: null, stderr_tail: [] }],
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
    expect(document.querySelector(".pill")!.textContent).toBe("Backing off");
    expect(document.querySelector("pre.log")).not.toBeNull();
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
      settings: { idle_timeout_s: 180, compact: true, start_at_login: false, log_level: "info", update_endpoint: "https://u.example/x" },
    });
    expect(document.querySelector("#settings-result")!.textContent).toContain("Saved");
  });

  it("reports an available update", async () => {
    answers.settings_get = () => ({ idle_timeout_s: 600, compact: false, log_level: "info", start_at_login: false, update_endpoint: "" });
    answers.updates_check = () => ({ status: "available", current: "0.1.0", latest: "0.2.0", notes: "Faster" });
    await main.go("settings");
    document.querySelector<HTMLButtonElement>("#check-updates")!.click();
    await settle();
    expect(document.querySelector("#update-result")!.textContent).toContain("Version 0.2.0 is available");
    expect(document.querySelector("#update-result")!.textContent).toContain("Faster");
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

describe("navigation", () => {
  it("switches pages with Ctrl+number and follows the tray's navigate event", async () => {
    answers.servers_status = () => ({ daemon: { running: false }, vendors: [] });
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
