/**
 * The import graph of `src/`, read with TypeScript's own pre-processor (static, type-only and
 * dynamic imports and re-exports alike), for the architecture tests.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export interface SourceImport {
  /** The importing file, relative to the project root with `/` separators (`src/app.ts`). */
  from: string;
  /** The specifier as written (`../storage/prediction-store.js`, `lowdb`). */
  specifier: string;
  /** The imported file (`src/storage/prediction-store.ts`) for a relative import; null for a package. */
  target: string | null;
}

export interface SourceFile {
  path: string;
  lines: number;
  text: string;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return walk(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every `.ts` file under `<root>/src`. */
export function sourceFiles(root: string): SourceFile[] {
  return walk(join(root, 'src'))
    .map((file) => {
      const text = readFileSync(file, 'utf8');
      return { path: relative(root, file).split('\\').join('/'), lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0), text };
    })
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Every import of every source file. */
export function sourceImports(root: string, files: SourceFile[] = sourceFiles(root)): SourceImport[] {
  return files.flatMap((file) =>
    ts.preProcessFile(file.text, true, true).importedFiles.map(({ fileName: specifier }) => {
      if (!specifier.startsWith('.')) return { from: file.path, specifier, target: null };
      const absolute = resolve(root, dirname(file.path), specifier).replace(/\.js$/, '.ts');
      return { from: file.path, specifier, target: relative(root, absolute).split('\\').join('/') };
    }),
  );
}

/** The unit of the folder graph: a folder under src/ (`src/storage`), or a file at src/'s top (`src/app.ts`). */
export function unitOf(path: string): string {
  const parts = path.split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : path;
}

/** The package an import names (`node:http`, `lowdb`, `@scope/name`), or null for a relative import. */
export function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.')) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/**
 * The cycles between units: for each strongly connected group of two or more units, one cycle
 * through it, each step named by one import that makes it.
 */
export function unitCycles(imports: SourceImport[]): string[][] {
  const edges = new Map<string, Map<string, SourceImport>>();
  for (const edge of imports) {
    if (edge.target === null) continue;
    const from = unitOf(edge.from);
    const to = unitOf(edge.target);
    if (from === to) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from)!.has(to)) edges.get(from)!.set(to, edge);
  }
  const cycles: string[][] = [];
  const seen = new Set<string>();
  for (const start of [...edges.keys()].sort()) {
    // Shortest path from start back to start (breadth first).
    const previous = new Map<string, string>();
    const queue = [start];
    let found = false;
    while (queue.length > 0 && !found) {
      const node = queue.shift()!;
      for (const next of [...(edges.get(node)?.keys() ?? [])].sort()) {
        if (next === start) {
          previous.set(start, node);
          found = true;
          break;
        }
        if (!previous.has(next)) {
          previous.set(next, node);
          queue.push(next);
        }
      }
    }
    if (!found) continue;
    const path = [start];
    for (let node = previous.get(start)!; node !== start; node = previous.get(node)!) path.unshift(node);
    const key = [...path].sort().join(' ');
    if (seen.has(key)) continue;
    seen.add(key);
    cycles.push(path.map((node, i) => {
      const next = path[(i + 1) % path.length]!;
      const edge = edges.get(node)!.get(next)!;
      return `${node} → ${next} (${edge.from} imports '${edge.specifier}')`;
    }));
  }
  return cycles;
}
