#!/usr/bin/env node
// The `hap` command: runs the compiled CLI (npm run build makes dist/).
import { runCli } from '../dist/cli/run-cli.js';

process.exitCode = await runCli(process.argv.slice(2));
