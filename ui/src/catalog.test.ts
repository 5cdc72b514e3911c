import { describe, expect, it } from "vitest";
import { filterVendors, groupByCategory, renderCatalog, renderError, type VendorView } from "./catalog";

const vendor = (slug: string, name: string, category: string, connected = false): VendorView => ({
  slug,
  name,
  category,
  description: `${name} tools`,
  docs_url: "https://example.com",
  connected,
  fields: [{ key: "api_key", label: "API key", secret: true, required: true, default: null, options: [] }],
});

const vendors = [
  vendor("itglue", "IT Glue", "documentation"),
  vendor("autotask", "Autotask PSA", "psa", true),
  vendor("hudu", "Hudu", "documentation"),
];

describe("catalog view", () => {
  it("groups by category with sorted names", () => {
    const groups = groupByCategory([...vendors]);
    expect(groups.map(([c]) => c)).toEqual(["documentation", "psa"]);
    expect(groups[0][1].map((v) => v.name)).toEqual(["Hudu", "IT Glue"]);
  });

  it("filters by name, slug or category name", () => {
    expect(filterVendors(vendors, "glue").map((v) => v.slug)).toEqual(["itglue"]);
    expect(filterVendors(vendors, "PSA").map((v) => v.slug)).toEqual(["autotask"]);
    expect(filterVendors(vendors, "  ")).toHaveLength(3);
  });

  it("renders connection state and escapes text", () => {
    document.body.innerHTML = renderCatalog([vendor("x", "<b>Evil</b>", "psa", true)], "");
    expect(document.querySelector(".name")!.textContent).toBe("<b>Evil</b>");
    expect(document.querySelector(".badge")!.textContent).toBe("Connected");
  });

  it("says when nothing matches", () => {
    expect(renderCatalog(vendors, "zzz")).toContain("No vendor matches");
  });

  it("shows an error with its code and hint", () => {
    document.body.innerHTML = renderError({ code: "config_corrupt", message: "bad file", hint: "fix it" });
    expect(document.querySelector("[role=alert]")!.textContent).toContain("config_corrupt: bad file");
    expect(document.querySelector(".hint")!.textContent).toBe("fix it");
  });
});
