import { describe, expect, it } from "vitest";
import type { ProbeOutcome, StatusReport } from "./api";
import { field, vendor } from "./fixtures";
import * as v from "./views";

const probe = (result: ProbeOutcome["result"]): ProbeOutcome => ({ result, message: "HTTP 401 <from vendor>", status: 401, step: null, elapsed_ms: 12 });

describe("vendors", () => {
  const vendors = [vendor("itglue", "IT Glue", "documentation"), vendor("autotask", "Autotask PSA", "psa", true), vendor("hudu", "Hudu", "documentation")];

  it("groups by category with sorted names, and filters", () => {
    const groups = v.groupByCategory(vendors);
    expect(groups.map(([c]) => c)).toEqual(["documentation", "psa"]);
    expect(groups[0][1].map((x) => x.name)).toEqual(["Hudu", "IT Glue"]);
    expect(v.filterVendors(vendors, "glue").map((x) => x.slug)).toEqual(["itglue"]);
    expect(v.filterVendors(vendors, "PSA").map((x) => x.slug)).toEqual(["autotask"]);
    expect(v.renderCatalog(vendors, "zzz")).toContain("No vendor matches");
  });

  it("escapes hostile vendor text", () => {
    document.body.innerHTML = v.renderCatalog([vendor("x", "<img src=x onerror=alert(1)>", "psa", true)], "");
    expect(document.querySelector("img")).toBeNull();
    expect(document.querySelector(".name")!.textContent).toBe("<img src=x onerror=alert(1)>");
    expect(document.querySelector(".badge")!.textContent).toBe("Connected");
  });

  it("generates the form from the fields", () => {
    document.body.innerHTML = v.renderForm(vendor("hudu", "Hudu", "documentation"));
    const key = document.querySelector<HTMLInputElement>("#field-api_key")!;
    expect(key.type).toBe("password");
    expect(document.querySelector("[data-reveal=field-api_key]")).not.toBeNull();
    expect(document.querySelector<HTMLInputElement>("#field-base_url")!.type).toBe("url");
    expect(document.querySelector<HTMLInputElement>("#field-base_url")!.placeholder).toBe("https://acme.example.com");
    const region = document.querySelector<HTMLSelectElement>("#field-region")!;
    expect([...region.options].map((o) => o.textContent)).toEqual(["United States", "Europe"]);
    expect(region.value).toBe("eu");
    expect(document.querySelector("#field-api_key-help")!.textContent).toBe("help for api_key");
    expect(document.querySelector("#connect-form")!.getAttribute("data-slug")).toBe("hudu");
  });

  it("never prefills a stored secret, and says it is in the keychain", () => {
    document.body.innerHTML = v.renderForm(vendor("hudu", "Hudu", "documentation", true));
    const key = document.querySelector<HTMLInputElement>("#field-api_key")!;
    expect(key.value).toBe("");
    expect(key.placeholder).toContain("keychain");
    expect(document.querySelector<HTMLInputElement>("#field-base_url")!.value).toBe("https://a.example");
    expect(document.querySelector("#vendor-disconnect")).not.toBeNull();
  });

  it("shows a connected vendor's last test on its card", () => {
    const hudu = vendor("hudu", "Hudu", "documentation", true);
    hudu.connection!.last_probe = { result: "invalid_credentials", message: "HTTP 401", at: "2026-11-22T10:00:05Z" };
    document.body.innerHTML = v.renderCatalog([hudu, vendor("itglue", "IT Glue", "documentation")], "");
    expect(document.querySelector("li.vendor[data-slug=hudu] .last")!.textContent).toBe("Last test: credentials rejected (2026-11-22 10:00)");
    expect(document.querySelector("li.vendor[data-slug=hudu] .badge")!.textContent).toBe("Connected");
    expect(document.querySelector("li.vendor[data-slug=itglue] .badge")!.textContent).toBe("Not connected");
    expect(document.querySelector("li.vendor[data-slug=itglue] .card-action")!.textContent).toBe("Connect…");
    expect(document.querySelector("li.vendor[data-slug=itglue] .last")).toBeNull();
  });

  it("marks required fields, lists stored secrets by label, and never links a non-http URL", () => {
    const hudu = { ...vendor("hudu", "Hudu", "documentation", true), docs_url: "javascript:alert(1)" };
    hudu.fields[2] = { ...hudu.fields[2], required: false };
    document.body.innerHTML = v.renderForm(hudu);
    expect(document.querySelector("label[for=field-api_key] .req")).not.toBeNull();
    expect(document.querySelector("label[for=field-region] .req")).toBeNull();
    expect(document.querySelector("#connected-note")!.textContent).toContain("API_KEY");
    expect(document.querySelector("a[data-docs]")!.getAttribute("href")).toBe("#");
    expect(document.querySelector("#connect-submit")!.textContent).toBe("Test & Save");
  });

  it("finds missing required fields", () => {
    const fields = [field("a"), field("b", { required: false }), field("c")];
    expect(v.missingRequired(fields, { a: " ", b: "", c: "x" })).toEqual(["a"]);
  });

  it("words every probe result", () => {
    expect(v.probeWords("Hudu", probe("ok"))).toEqual({ ok: true, headline: "Connected. Hudu accepted these credentials." });
    expect(v.probeWords("Hudu", probe("invalid_credentials")).headline).toContain("rejected");
    expect(v.probeWords("Hudu", probe("wrong_region_or_url")).headline).toContain("not found at this address");
    expect(v.probeWords("Hudu", probe("vendor_unreachable")).headline).toContain("Could not reach Hudu");
    expect(v.probeWords("Hudu", probe("unexpected_response")).headline).toContain("unexpected");
    const html = v.renderProbe("Hudu", probe("invalid_credentials"), false);
    expect(html).toContain("Nothing was saved");
    expect(html).toContain("&lt;from vendor&gt;");
  });
});

describe("servers", () => {
  const report: StatusReport = {
    daemon: { running: true, pid: 42, version: "0.1.0", endpoint: "/run/sb/daemon.sock" },
    vendors: [
      { slug: "hudu", name: "Hudu", state: "running", source: "catalog", pid: 7, uptime_s: 3725, restarts: 2, tools: 31, memory_bytes: 12.3 * 1024 * 1024, last_error: null, stderr_tail: [], served_by: "local" },
      { slug: "itglue", name: "IT Glue", state: "failed", source: "catalog", pid: null, uptime_s: null, restarts: 5, tools: 0, memory_bytes: null, last_error: "boom <b>", stderr_tail: [], served_by: "local" },
      { slug: "syncro", name: "Syncro", state: "not_connected", source: null, pid: null, uptime_s: null, restarts: 0, tools: 0, memory_bytes: null, last_error: null, stderr_tail: [], served_by: null },
    ],
    gateway: null,
  };

  it("formats bytes and durations", () => {
    expect(v.humanBytes(null)).toBe("—");
    expect(v.humanBytes(2048)).toBe("2 KB");
    expect(v.humanBytes(12.3 * 1024 * 1024)).toBe("12.3 MB");
    expect(v.humanDuration(42)).toBe("42 s");
    expect(v.humanDuration(3725)).toBe("1 h 2 min");
    expect(v.humanDuration(90000)).toBe("1 d 1 h");
  });

  it("lists connected vendors with state pills, escaping errors", () => {
    document.body.innerHTML = v.renderServers(report, new Set(["hudu"]), { hudu: ["<line>"] });
    const rows = [...document.querySelectorAll("tr[data-slug]")].map((r) => r.getAttribute("data-slug"));
    expect(rows).toEqual(["hudu", "itglue"]);
    expect(document.querySelector(".pill.failed")!.textContent).toBe("Failed");
    expect(document.querySelector("td.err")!.textContent).toBe("");
    expect(document.querySelectorAll("td.err")[1].textContent).toBe("boom <b>");
    expect(document.querySelector("pre.log")!.textContent).toBe("<line>");
    expect(document.body.textContent).toContain("Supervisor running (pid 42");
  });

  it("colours each state", () => {
    const words = (["running", "idle", "starting", "backing_off", "failed"] as const).map((s) => {
      document.body.innerHTML = v.statePill(s);
      return [document.querySelector(".pill")!.className, document.querySelector(".pill")!.textContent];
    });
    expect(words).toEqual([
      ["pill running", "Running"],
      ["pill idle", "Connected, idle"],
      ["pill starting", "Starting"],
      ["pill backing_off", "Restarting after a crash"],
      ["pill failed", "Failed"],
    ]);
  });

  it("has a friendly empty state and a down daemon", () => {
    document.body.innerHTML = v.renderServers({ daemon: { running: false, endpoint: "/run/sb/daemon.sock" }, vendors: [report.vendors[2]], gateway: null }, new Set(), {});
    expect(document.body.textContent).toContain("No vendor connected yet");
    expect(document.querySelector("[role=alert]")!.textContent).toContain("Supervisor not running");
  });
});

describe("clients and settings", () => {
  it("colours a diff and escapes it", () => {
    document.body.innerHTML = v.renderDiff("--- a\n+++ b\n-  \"old\": 1\n+  \"<new>\": 2\n   same");
    expect(document.querySelectorAll(".add")).toHaveLength(1);
    expect(document.querySelectorAll(".del")).toHaveLength(1);
    expect(document.querySelector(".add")!.textContent).toBe('+  "<new>": 2');
    expect(v.renderDiff("")).toContain("No change needed");
  });

  it("states each client's condition", () => {
    const base = { client: "cursor" as const, name: "Cursor", path: "/p", exists: true, problem: null, installed: false, command_ok: false, command: null };
    expect(v.clientState(base)).toBe("Not installed");
    expect(v.clientState({ ...base, installed: true, command_ok: true })).toBe("Installed");
    expect(v.clientState({ ...base, installed: true })).toBe("Installed, but the command is missing");
    expect(v.clientState({ ...base, problem: "bad JSON" })).toBe("Config problem: bad JSON");
  });

  it("offers to write exactly a previewed change, with the right command", () => {
    const o = { client: "cursor" as const, path: "/p <x>", action: "added" as const, dry_run: true, diff: "+a", backup: null, warnings: ["Cursor is <running>"] };
    document.body.innerHTML = v.renderPreview(o, false);
    expect(document.querySelector("#write-cursor")!.getAttribute("data-install")).toBe("cursor");
    expect(document.body.textContent).toContain("/p <x>");
    expect(document.querySelector(".warn")!.textContent).toBe("Cursor is <running>");
    document.body.innerHTML = v.renderPreview(o, true);
    expect(document.querySelector("#write-cursor")!.getAttribute("data-uninstall")).toBe("cursor");
    document.body.innerHTML = v.renderPreview({ ...o, diff: "" }, false);
    expect(document.querySelector("#write-cursor")).toBeNull();
  });

  it("words every install outcome", () => {
    const base = { client: "cursor" as const, path: "/p", dry_run: false, diff: "", backup: null, warnings: [] };
    const words = (["added", "updated", "unchanged", "removed", "not_installed"] as const).map((action) => {
      document.body.innerHTML = v.renderOutcome({ ...base, action });
      return document.querySelector("strong")!.textContent;
    });
    expect(words).toEqual(["Installed", "Updated", "Already installed", "Removed", "Was not installed"]);
  });

  it("shows what an MSP's preset locks as read-only, saying who manages it", () => {
    document.body.innerHTML = v.renderSettings({
      idle_timeout_s: 900, compact: true, log_level: "info", start_at_login: false,
      update_endpoint: "https://u.example/latest.json", managed_by: "Acme <IT>", locked: ["supervisor.compact"],
    });
    const compact = document.querySelector<HTMLInputElement>("#compact")!;
    expect(compact.disabled).toBe(true);
    expect(document.querySelector<HTMLInputElement>("#idle")!.disabled).toBe(false);
    expect(compact.closest(".field")!.textContent).toContain("Managed by Acme <IT>");
    expect(document.querySelector("#managed-banner")!.textContent).toContain("managed by Acme <IT>");
    expect(document.body.innerHTML).not.toContain("<IT>"); // escaped
    // No preset: nothing is managed.
    document.body.innerHTML = v.renderSettings({ idle_timeout_s: 900, compact: true, log_level: "info", start_at_login: false, update_endpoint: "" });
    expect(document.querySelector(".managed")).toBeNull();
    expect(document.querySelector<HTMLInputElement>("#compact")!.disabled).toBe(false);
  });

  it("renders the settings form in minutes, and update results", () => {
    document.body.innerHTML = v.renderSettings({ idle_timeout_s: 1800, compact: true, log_level: "trace", start_at_login: false, update_endpoint: '"><b>x' });
    v.applySelectValues(document.body);
    expect(document.querySelector<HTMLInputElement>("#idle")!.value).toBe("30");
    expect(document.querySelector<HTMLInputElement>("#idle")!.min).toBe("1");
    expect(document.querySelector<HTMLSelectElement>("#level")!.value).toBe("trace");
    expect(document.querySelector<HTMLInputElement>("#endpoint")!.value).toBe('"><b>x');
    expect(document.querySelector("b")).toBeNull();
    expect(document.querySelector("#compact-help")!.textContent).toContain("two search/call tools");
    document.body.innerHTML = v.renderUpdate({ status: "up_to_date", current: "0.1.0", latest: null, notes: null });
    expect(document.body.textContent).toBe("Switchboard 0.1.0 is up to date.");
    document.body.innerHTML = v.renderUpdate({ status: "available", current: "0.1.0", latest: "0.2.0", notes: "<i>fixes</i>" });
    expect(document.body.textContent).toContain("Version 0.2.0 is available");
    expect(document.querySelector("pre.notes")!.textContent).toBe("<i>fixes</i>");
  });

  it("converts minutes and seconds", () => {
    expect(v.secondsToMinutes(600)).toBe(10);
    expect(v.minutesToSeconds(3)).toBe(180);
    expect(v.minutesToSeconds(0)).toBe(60);
  });

  it("shows an error with its code and hint", () => {
    document.body.innerHTML = v.renderError({ code: "config_corrupt", message: "bad <file>", hint: "fix it" });
    expect(document.querySelector("[role=alert]")!.textContent).toContain("config_corrupt: bad <file>");
    expect(document.querySelector(".hint")!.textContent).toBe("fix it");
  });
});
