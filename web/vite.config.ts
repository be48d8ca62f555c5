import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The web UI, built into web/dist and served by the platform itself at `/` (no CDN: every
// asset is bundled). Preact's automatic JSX runtime, configured directly on the transformer
// (the Preact preset would pull in Babel for dev-only features we do not use).
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    chunkSizeWarningLimit: 200,
  },
  server: {
    proxy: {
      "/api": "http://127.0.0.1:8080",
      "/socket.io": { target: "ws://127.0.0.1:8080", ws: true },
    },
  },
});
