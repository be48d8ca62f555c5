// Moved to maintenance.store.ts and views.ts; kept until src/incidents imports them there.
export { maintenanceAt } from "./maintenance.store.js";
export { toWindow } from "./views.js";
