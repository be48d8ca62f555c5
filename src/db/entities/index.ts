import * as all from "./all.js";

export * from "./all.js";

/** Every entity class, for the DataSource: whatever all.ts exports. */
export const ENTITIES = Object.values(all);
