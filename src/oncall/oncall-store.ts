// Moved to oncall.store.ts; kept until src/incidents/page-oncall.ts imports it from there.
export { loadRotations } from "./oncall.store.js";
