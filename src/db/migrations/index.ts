import type { MigrationInterface } from "typeorm";
import { Foundation1795621049629 } from "./1795621049629-Foundation.js";

// Listed explicitly (not globbed) so ESM, tsx and vitest load the same set in order.
export const MIGRATIONS: (new () => MigrationInterface)[] = [Foundation1795621049629];
