#!/usr/bin/env node
// The `hap` command: runs the compiled CLI in dist/ (`npm install` builds it; so does `npm run build`).
let runCli;
try {
  ({ runCli } = await import('../dist/cli/run-cli.js'));
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  process.stderr.write('hap: the CLI is not built yet; run "npm run build" in the hap-ml-metrics folder first\n');
  process.exit(1);
}
process.exitCode = await runCli(process.argv.slice(2));
