// Test data shared by the UI tests.
import type { FieldView, VendorView } from "./api";

export const field = (key: string, over: Partial<FieldView> = {}): FieldView => ({
  key,
  label: key.toUpperCase(),
  help: `help for ${key}`,
  secret: false,
  required: true,
  default: null,
  options: [],
  option_labels: {},
  kind: "text",
  placeholder: null,
  ...over,
});

export const vendor = (slug: string, name: string, category: string, connected = false): VendorView => ({
  slug,
  name,
  category,
  description: `${name} tools`,
  docs_url: "https://example.com",
  connected,
  fields: [
    field("base_url", { kind: "url", placeholder: "https://acme.example.com" }),
    field("api_key", { secret: true }),
    field("region", { options: ["us", "eu"], option_labels: { us: "United States", eu: "Europe" }, default: "eu" }),
  ],
  connection: connected
    ? { connected_at: "2026-11-22T10:00:00Z", fields: { base_url: "https://a.example" }, secret_fields: ["api_key"], keychain_service: "s", last_probe: null }
    : null,
});

