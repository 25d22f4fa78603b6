/**
 * The architecture in README.md's "Design choices", kept true: a change that adds a folder cycle,
 * imports lowdb outside storage or the hub client outside integration, lets metrics know about
 * anything but the domain, or grows a warehouse file fails here, naming the import or the file.
 */
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/spawn-service.js';
import type { SourceImport } from '../support/import-graph.js';
import { packageOf, sourceFiles, sourceImports, unitCycles, unitOf } from '../support/import-graph.js';

const files = sourceFiles(PROJECT_ROOT);
const imports = sourceImports(PROJECT_ROOT, files);

function describeImport(edge: SourceImport): string {
  return `${edge.from} imports '${edge.specifier}'`;
}

/** Imports from `folder` whose target breaks `allowed`. */
function offending(folder: string, allowed: (edge: SourceImport) => boolean): string[] {
  return imports.filter((edge) => unitOf(edge.from) === folder && !allowed(edge)).map(describeImport);
}

const inFolder = (edge: SourceImport, ...folders: string[]) => edge.target !== null && folders.includes(unitOf(edge.target));
const isPackage = (edge: SourceImport) => edge.target === null;

/** Packages that only one folder may import: the one adapter per outside system. */
const OWNED_PACKAGES: Record<string, string> = {
  lowdb: 'src/storage',
  steno: 'src/storage',
  'home-assistant-js-websocket': 'src/integration',
  ws: 'src/integration',
  'node:http': 'src/api',
  commander: 'src/cli',
};

describe('the layers of src/', () => {
  it('has no import cycle between folders', () => {
    expect(unitCycles(imports).map((cycle) => cycle.join(' → then '))).toEqual([]);
  });

  it('keeps each outside system behind its one adapter folder', () => {
    const misplaced = imports
      .filter((edge) => {
        const name = packageOf(edge.specifier);
        const owner = name === null ? undefined : OWNED_PACKAGES[name];
        return owner !== undefined && unitOf(edge.from) !== owner;
      })
      .map((edge) => `${describeImport(edge)}: only ${OWNED_PACKAGES[packageOf(edge.specifier)!]} may import it`);
    expect(misplaced).toEqual([]);
  });

  it('keeps the domain self-contained (zod only)', () => {
    expect(offending('src/domain', (edge) => inFolder(edge, 'src/domain') || (isPackage(edge) && edge.specifier === 'zod'))).toEqual([]);
  });

  it('keeps metrics pure: counts in, numbers out, importing only the domain', () => {
    expect(offending('src/metrics', (edge) => inFolder(edge, 'src/metrics', 'src/domain'))).toEqual([]);
  });

  it('lets config only compose the parts each folder owns (`*-config.ts`)', () => {
    const allowed = (edge: SourceImport) =>
      (isPackage(edge) && !edge.specifier.startsWith('node-cron')) ||
      inFolder(edge, 'src/config', 'src/domain', 'src/logging') ||
      (edge.target !== null && edge.target.endsWith('-config.ts'));
    expect(offending('src/config', allowed)).toEqual([]);
  });

  it('keeps the hub out of everything below the tracker', () => {
    for (const folder of ['src/domain', 'src/metrics', 'src/storage', 'src/tracker']) {
      expect(offending(folder, (edge) => !inFolder(edge, 'src/integration', 'src/sensors', 'src/api', 'src/cli'))).toEqual([]);
    }
  });

  it('imports the composed configuration only at the top (composition root, service runner, CLI, library entry)', () => {
    const users = imports
      .filter((edge) => edge.target === 'src/config/config-schema.ts' || edge.target === 'src/config/load-config.ts')
      .filter((edge) => !['src/config', 'src/cli'].includes(unitOf(edge.from)) && !unitOf(edge.from).endsWith('.ts'));
    expect(users.map(describeImport)).toEqual([]);
  });
});

describe('the files of src/', () => {
  it('has no file over 400 lines', () => {
    expect(files.filter((file) => file.lines > 400).map((file) => `${file.path}: ${file.lines} lines`)).toEqual([]);
  });

  it('checks errors with instanceof, never by their name', () => {
    const byName = files.flatMap((file) =>
      file.text
        .split('\n')
        .map((line, index) => ({ line, index }))
        .filter(({ line }) => /\.name\s*===?\s*'/.test(line))
        .map(({ index }) => `${file.path}:${index + 1}`),
    );
    expect(byName).toEqual([]);
  });

  it('casts no thrown value to Error (toError in src/logging/to-error.ts normalises it)', () => {
    const casts = files.flatMap((file) =>
      file.text
        .split('\n')
        .map((line, index) => ({ line, index }))
        .filter(({ line }) => /\bas\s+[A-Za-z]*Error\b/.test(line) && !line.trim().startsWith('*') && !line.trim().startsWith('//'))
        .map(({ index }) => `${file.path}:${index + 1}`),
    );
    expect(casts).toEqual([]);
  });
});
