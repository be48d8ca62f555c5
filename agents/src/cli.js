#!/usr/bin/env node
// @ts-check
// The `msp-agent` executable; everything testable lives in main.js.
import { main } from "./main.js";

main(process.argv.slice(2)).then(
  (code) => {
    // Running agents exit from their signal handler; only --once/--help/errors end here.
    if (code !== null) process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`msp-agent: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
