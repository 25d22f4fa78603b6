/**
 * `npm run addon:pack`: builds the package tarball (`npm pack`) into the add-on folder, so the
 * add-on can be installed locally (copy ml_metrics/ into the hub's /addons) before, or without,
 * a release on the npm registry: the Dockerfile installs the tarball when one is there.
 *
 *   npm run addon:pack                                   clean build, tarball into ml_metrics/
 *   npm run addon:pack -- --destination DIR --skip-build  (tests: dist/ is already built)
 *
 * Older hap-ml-metrics-*.tgz in the destination are removed first (the Dockerfile installs the one
 * it finds). The tarball's version must be the manifest's (config.yaml `version`), which the
 * Supervisor shows and builds with: a mismatch stops here.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ADDON_DIR = join(ROOT, 'ml_metrics');

function fail(message: string): never {
  process.stderr.write(`addon:pack: ${message}\n`);
  process.exit(1);
}

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) fail(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
  return result.stdout;
}

const { values } = parseArgs({ options: { destination: { type: 'string' }, 'skip-build': { type: 'boolean', default: false } } });
const destination = resolve(values.destination ?? ADDON_DIR);

const pkg = z.object({ name: z.string(), version: z.string() }).parse(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')));
const manifestVersion = /^version:\s*"?([^"\s]+)"?\s*$/m.exec(readFileSync(join(ADDON_DIR, 'config.yaml'), 'utf8'))?.[1];
if (manifestVersion !== pkg.version) {
  fail(`package.json is at ${pkg.version} but ml_metrics/config.yaml says version ${manifestVersion ?? '(none)'}; make them equal first`);
}

for (const name of readdirSync(destination)) {
  if (/^hap-ml-metrics-.+\.tgz$/.test(name)) rmSync(join(destination, name));
}
if (!values['skip-build']) {
  // From clean, so nothing a deleted source left in dist/ ends up in the package.
  rmSync(join(ROOT, 'dist'), { recursive: true, force: true });
  run('npm', ['run', 'build']);
}
const packed = z
  .array(z.object({ filename: z.string(), size: z.number(), entryCount: z.number() }))
  .parse(JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', destination])));
const tarball = packed[0];
if (!tarball) fail('npm pack reported no tarball');
process.stdout.write(`${join(destination, tarball.filename)} (${(tarball.size / 1024).toFixed(0)} KiB, ${tarball.entryCount} files)\n`);
