/**
 * Bundles the service into dist/bundle: main.js (src/main.ts with everything it imports, the
 * dependencies included) and segment-check-worker.js (the start-up check's worker, loaded by
 * URL beside it). Part of `npm run build`; `npm start` and the add-on run dist/bundle/main.js.
 *
 * Why: loading ~270 compiled modules and the dependencies' own (zod, ws...) one file at a time
 * was ~0.3 s of start-up and ~25 MB of RSS; one file parses lazily and loads in a fraction of
 * that. The bundle sits two folders below the package root, as every compiled module does, so
 * the paths the code builds from `import.meta.url` (config/, dist/panel, package.json) hold.
 * Not minified: names stay readable in stack traces; a source map goes beside each file.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'bundle');

await build({
  entryPoints: { main: join(root, 'src', 'main.ts'), 'segment-check-worker': join(root, 'src', 'storage', 'segment-check-worker.ts') },
  outdir: out,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  // ws's optional native speed-ups: required inside try/catch, absent unless installed.
  external: ['bufferutil', 'utf-8-validate'],
  // CommonJS dependencies (ws) call require(): give the ES module one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
});

for (const file of ['main.js', 'segment-check-worker.js']) {
  const body = await readFile(join(out, file));
  process.stdout.write(`dist/bundle/${file}: ${(body.length / 1024).toFixed(0)} KiB\n`);
}
