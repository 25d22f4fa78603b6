/**
 * Bundles the dashboard (src/panel) into dist/panel: app.js (esbuild, minified, uPlot included),
 * app.css (ours and uPlot's) and index.html. Part of `npm run build`; no CDN, everything ships in
 * the package. Prints each file's size and gzip size.
 */
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src', 'panel');
const out = join(root, 'dist', 'panel');

await mkdir(out, { recursive: true });
await build({
  entryPoints: [join(source, 'main.ts')],
  outfile: join(out, 'app.js'),
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  legalComments: 'none',
  logLevel: 'warning',
});
await build({
  entryPoints: [join(source, 'style.css')],
  outfile: join(out, 'app.css'),
  bundle: true,
  minify: true,
  logLevel: 'warning',
});
await copyFile(join(source, 'index.html'), join(out, 'index.html'));

for (const file of ['index.html', 'app.js', 'app.css']) {
  const body = await readFile(join(out, file));
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  process.stdout.write(`dist/panel/${file}: ${kib(body.length)} (gzip ${kib(gzipSync(body, { level: 9 }).length)})\n`);
}
