// @ts-check
import { readFileSync } from "node:fs";

// Read once from package.json so the reported version can never drift from the released one.
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

/** @type {string} */
export const AGENT_NAME = pkg.name;
/** @type {string} */
export const AGENT_VERSION = pkg.version;
