import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { FileSystem } from '../../src/storage/file-system.js';
import { nodeFileSystem } from '../../src/storage/file-system.js';
import { STORE_SCHEMA_VERSION } from '../../src/storage/stored-file-version.js';
import { JsonDocumentStore } from '../../src/storage/json-document-store.js';
import { CorruptFileError } from '../../src/storage/storage-errors.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';

const Schema = z.object({ counter: z.number().int() });

let dir: TempDir;
beforeEach(async () => {
  dir = await createTempDir('document-store-');
});
afterEach(() => dir.remove());

function open(fs: FileSystem = nodeFileSystem) {
  return JsonDocumentStore.open({ dataDir: dir.path, fileName: 'doc.json', kind: 'test-doc', schema: Schema, initial: { counter: 0 }, fs });
}

describe('JsonDocumentStore', () => {
  it('starts from the initial document and keeps updates across reopening', async () => {
    const store = await open();
    expect(store.document).toEqual({ counter: 0 });
    await Promise.all([store.update((doc) => ({ counter: doc.counter + 1 })), store.update((doc) => ({ counter: doc.counter + 1 }))]);
    expect(store.document).toEqual({ counter: 2 });
    const stored = JSON.parse(await readFile(join(dir.path, 'doc.json'), 'utf8'));
    expect(stored).toEqual({ schema_version: STORE_SCHEMA_VERSION, kind: 'test-doc', document: { counter: 2 } });
    expect((await open()).document).toEqual({ counter: 2 });
  });

  it('keeps the previous document when a write fails', async () => {
    const failing: FileSystem = { ...nodeFileSystem, writeFileSynced: () => Promise.reject(new Error('ENOSPC: no space left on device')) };
    const store = await open(failing);
    await expect(store.update(() => ({ counter: 5 }))).rejects.toThrow('ENOSPC');
    expect(store.document).toEqual({ counter: 0 });
  });

  it('refuses a file of another kind or that does not validate, naming it', async () => {
    await writeFile(join(dir.path, 'doc.json'), JSON.stringify({ schema_version: 1, kind: 'other', document: { counter: 1 } }));
    await expect(open()).rejects.toBeInstanceOf(CorruptFileError);
    await writeFile(join(dir.path, 'doc.json'), JSON.stringify({ schema_version: 1, kind: 'test-doc', document: { counter: 'x' } }));
    await expect(open()).rejects.toThrow(/doc\.json is unreadable .*document\.counter/);
  });
});
