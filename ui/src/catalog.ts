// Pure view logic for the vendor catalog: grouping, filtering, rendering to HTML.
// No Tauri calls here, so it is unit-tested without a webview.

export interface FieldView {
  key: string;
  label: string;
  secret: boolean;
  required: boolean;
  default: string | null;
  options: string[];
}

export interface VendorView {
  slug: string;
  name: string;
  category: string;
  description: string;
  docs_url: string;
  connected: boolean;
  fields: FieldView[];
}

export interface CommandError {
  code: string;
  message: string;
  hint: string | null;
}

const CATEGORY_NAMES: Record<string, string> = {
  psa: "PSA",
  rmm: "RMM",
  "psa-rmm": "PSA and RMM",
  documentation: "Documentation",
  security: "Security",
  "email-security": "Email security",
  backup: "Backup",
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
    .map(([c, list]) => [c, list.sort((a, b) => a.name.localeCompare(b.name))]);
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export function renderCatalog(vendors: VendorView[], query: string): string {
  const shown = filterVendors(vendors, query);
  if (shown.length === 0) {
    return `<p class="muted">No vendor matches “${escape(query)}”.</p>`;
  }
  return groupByCategory(shown)
    .map(
      ([category, list]) => `
      <section class="group">
        <h2>${escape(categoryName(category))}</h2>
        <ul class="vendors">
          ${list
            .map(
              (v) => `
            <li class="vendor" data-slug="${escape(v.slug)}">
              <div class="vendor-head">
                <span class="name">${escape(v.name)}</span>
                <span class="badge ${v.connected ? "on" : "off"}">${v.connected ? "Connected" : "Not connected"}</span>
              </div>
              <p class="desc">${escape(v.description)}</p>
              <p class="fields">${v.fields
                .filter((f) => f.required)
                .map((f) => escape(f.label))
                .join(" · ")}</p>
            </li>`,
            )
            .join("")}
        </ul>
      </section>`,
    )
    .join("");
}

export function renderError(error: CommandError): string {
  const hint = error.hint ? `<p class="hint">${escape(error.hint)}</p>` : "";
  return `<div class="error" role="alert"><p><strong>${escape(error.code)}</strong>: ${escape(error.message)}</p>${hint}</div>`;
}
