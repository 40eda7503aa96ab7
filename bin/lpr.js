#!/usr/bin/env node
// Entry point of the `lpr` command: runs the compiled CLI (npm run build first).
import { main } from '../dist/src/cli/lpr.js';

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error) => { process.stderr.write(`lpr: ${error?.stack ?? error}\n`); process.exitCode = 70; },
);
