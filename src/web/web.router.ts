// Serves the built web UI (web/dist) at `/`. Hashed assets are cached for a year; index.html
// is revalidated every time so a new build shows up on reload. Routes are hash routes, so
// only `/` needs index.html. Without a build, `/` says how to make one instead of a bare 404.
// `/favicon.ico` (from web/public) is served too: browsers ask for it on every page.
import express from "express";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const WEB_DIST_DIR = fileURLToPath(new URL("../../web/dist", import.meta.url));

export function webRouter(distDir: string = WEB_DIST_DIR): express.Router {
  const router = express.Router();
  router.use(
    "/assets",
    express.static(join(distDir, "assets"), {
      immutable: true,
      maxAge: "365d",
      index: false,
    }),
  );
  router.get("/favicon.ico", (_req, res) => {
    const icon = join(distDir, "favicon.ico");
    if (!existsSync(icon)) {
      res.status(404).end();
      return;
    }
    res.setHeader("cache-control", "public, max-age=86400");
    res.type("image/x-icon").sendFile(icon);
  });
  router.get("/", (_req, res) => {
    const index = join(distDir, "index.html");
    if (!existsSync(index)) {
      res
        .status(503)
        .type("text/plain")
        .send(
          "The web UI is not built yet: run `npm run build:web` (npm start does it for you).\n",
        );
      return;
    }
    res.setHeader("cache-control", "no-cache");
    res.sendFile(index);
  });
  return router;
}
