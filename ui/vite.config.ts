import { defineConfig } from "vite";

// Tauri serves the built files from ui/dist (see src-tauri/tauri.conf.json).
export default defineConfig({
  clearScreen: false,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
  },
  test: {
    environment: "happy-dom",
  },
});
