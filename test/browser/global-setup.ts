// Browser project: the app the browser loads is web/dist, so build it first when missing
// or older than its sources (a no-op otherwise).
import { ensureWebBuilt } from "../../scripts/build-web.js";

export default async function setup(): Promise<void> {
  await ensureWebBuilt();
}
