import { invoke } from "@tauri-apps/api/core";
import { type CommandError, type VendorView, renderCatalog, renderError } from "./catalog";

const app = document.querySelector<HTMLElement>("#app")!;
const search = document.querySelector<HTMLInputElement>("#search")!;

export async function load(): Promise<void> {
  try {
    const vendors = await invoke<VendorView[]>("vendors_list");
    const draw = () => {
      app.innerHTML = renderCatalog(vendors, search.value);
    };
    search.addEventListener("input", draw);
    draw();
  } catch (e) {
    app.innerHTML = renderError(e as CommandError);
  }
}

void load();
