import { spawnSync } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from './spawn-service.js';

const BUILT_CLI = path.join(PROJECT_ROOT, 'dist', 'cli', 'run-cli.js');

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts')) newest = Math.max(newest, (await stat(path.join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

/** `npm test` builds first; a lone `vitest run` builds here when dist/ is missing or older than src/. */
export async function ensureBuilt(): Promise<void> {
  const built = await stat(BUILT_CLI).then((info) => info.mtimeMs, () => 0);
  if (built >= (await newestMtime(path.join(PROJECT_ROOT, 'src')))) return;
  const result = spawnSync('npm', ['run', 'build'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  // tsc emits even when another file has a type error; the CLI only needs its own output.
  const after = await stat(BUILT_CLI).then((info) => info.mtimeMs, () => 0);
  if (after === 0) throw new Error(`npm run build made no ${BUILT_CLI}:\n${result.stdout}\n${result.stderr}`);
}
