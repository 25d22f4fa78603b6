/**
 * OpenLogFileSystem (src/storage/open-log-file-system.ts) keeps the file it appends to open
 * between appends. What must hold: the bytes land in the file at its path (also after that path
 * was replaced, cut or removed through it), each append is fdatasynced before it resolves, the
 * file is opened once for a run of appends, and a failed append leaves nothing open.
 */
import fsPromises, { readFile, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nodeFileSystem } from '../../src/storage/file-system.js';
import { OpenLogFileSystem } from '../../src/storage/open-log-file-system.js';
import { createTempDir, type TempDir } from '../support/temp-dir.js';

let dir: TempDir;
let files: OpenLogFileSystem;

beforeEach(async () => {
  dir = await createTempDir('open-log-fs-');
  files = new OpenLogFileSystem(nodeFileSystem);
});

afterEach(async () => {
  vi.restoreAllMocks();
  await files.close();
  await dir.remove();
});

/** Spies on node's `open` and FileHandle's `datasync`: how often each ran, and on which path the syncs were. */
async function spyOnOpenAndSync(): Promise<{ opens: () => number; syncs: string[] }> {
  const paths = new Map<number, string>();
  const realOpen = fsPromises.open.bind(fsPromises);
  let opens = 0;
  vi.spyOn(fsPromises, 'open').mockImplementation(async (file, ...rest) => {
    const handle = await realOpen(file, ...rest);
    opens += 1;
    paths.set(handle.fd, String(file));
    return handle;
  });
  const probe = await realOpen(process.execPath, 'r');
  const prototype = Object.getPrototypeOf(probe) as FileHandle;
  await probe.close();
  const syncs: string[] = [];
  const realDatasync = prototype.datasync;
  vi.spyOn(prototype, 'datasync').mockImplementation(async function (this: FileHandle) {
    await realDatasync.call(this);
    syncs.push(paths.get(this.fd) ?? '?');
  });
  return { opens: () => opens, syncs };
}

describe('OpenLogFileSystem', () => {
  it('appends to the file at its path, fdatasyncing each append, and opens it once for a run of appends', async () => {
    const log = join(dir.path, 'log.jsonl');
    await writeFile(log, 'a\n');
    const spy = await spyOnOpenAndSync();
    await files.appendFileSynced(log, 'b\n');
    await files.appendFileSynced(log, 'c\n');
    await files.appendFileSynced(log, 'ünïcode\n');
    expect(await readFile(log, 'utf8')).toBe('a\nb\nc\nünïcode\n');
    expect(spy.opens()).toBe(1);
    expect(spy.syncs).toEqual([log, log, log]);
    expect(files.openPath).toBe(log);
  });

  it('appends to the new file when the path was replaced by a rename through it', async () => {
    const log = join(dir.path, 'log.jsonl');
    const temp = join(dir.path, '.log.jsonl.tmp');
    await writeFile(log, 'old\n');
    await files.appendFileSynced(log, 'old 2\n');
    await files.writeFileSynced(temp, 'new\n');
    await files.rename(temp, log);
    expect(files.openPath).toBeNull();
    await files.appendFileSynced(log, 'new 2\n');
    expect(await readFile(log, 'utf8')).toBe('new\nnew 2\n');
  });

  it('appends after the end of a file cut through it', async () => {
    const log = join(dir.path, 'log.jsonl');
    await writeFile(log, 'one\n');
    await files.appendFileSynced(log, 'two\n');
    await files.truncateFileSynced(log, 4);
    await files.appendFileSynced(log, 'three\n');
    expect(await readFile(log, 'utf8')).toBe('one\nthree\n');
  });

  it('does not append to a file removed through it: the next append fails as appending to a missing file does', async () => {
    const log = join(dir.path, 'log.jsonl');
    await writeFile(log, 'one\n');
    await files.appendFileSynced(log, 'two\n');
    await files.unlink(log);
    await expect(files.appendFileSynced(log, 'three\n')).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(nodeFileSystem.appendFileSynced(log, 'three\n')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('closes the file when appends move to another path, and when closed', async () => {
    const first = join(dir.path, 'segment-1.jsonl');
    const second = join(dir.path, 'segment-2.jsonl');
    await writeFile(first, '');
    await writeFile(second, '');
    await files.appendFileSynced(first, '1\n');
    await files.appendFileSynced(second, '2\n');
    expect(files.openPath).toBe(second);
    await files.close();
    expect(files.openPath).toBeNull();
    await files.appendFileSynced(first, '1 again\n');
    expect(await readFile(first, 'utf8')).toBe('1\n1 again\n');
    expect(await readFile(second, 'utf8')).toBe('2\n');
  });

  it('leaves nothing open after a failed append, and the next append opens the file again', async () => {
    const log = join(dir.path, 'log.jsonl');
    await writeFile(log, '');
    await files.appendFileSynced(log, 'one\n');
    const probe = await fsPromises.open(process.execPath, 'r');
    const prototype = Object.getPrototypeOf(probe) as FileHandle;
    await probe.close();
    vi.spyOn(prototype, 'datasync').mockRejectedValueOnce(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
    await expect(files.appendFileSynced(log, 'two\n')).rejects.toMatchObject({ code: 'EIO' });
    expect(files.openPath).toBeNull();
    await files.appendFileSynced(log, 'three\n');
    expect(await readFile(log, 'utf8')).toBe('one\ntwo\nthree\n');
  });

  it('fails an append the file system takes none of, instead of retrying it forever, and continues a short write', async () => {
    const log = join(dir.path, 'log.jsonl');
    await writeFile(log, '');
    const probe = await fsPromises.open(process.execPath, 'r');
    const prototype = Object.getPrototypeOf(probe) as FileHandle;
    await probe.close();
    const realWrite = prototype.write as (this: FileHandle, buffer: Buffer, offset: number, length: number) => Promise<{ bytesWritten: number; buffer: Buffer }>;
    const write = vi.spyOn(prototype, 'write');
    // A short write (2 bytes), then the rest.
    write.mockImplementationOnce(function (this: FileHandle, buffer: Buffer, offset: number) {
      return realWrite.call(this, buffer, offset, 2);
    } as never);
    await files.appendFileSynced(log, 'one\n');
    expect(await readFile(log, 'utf8')).toBe('one\n');
    write.mockResolvedValueOnce({ bytesWritten: 0, buffer: Buffer.alloc(0) } as never);
    await expect(files.appendFileSynced(log, 'two\n')).rejects.toMatchObject({ code: 'EIO', message: expect.stringContaining('took none of 4 bytes') });
    expect(files.openPath).toBeNull();
    await files.appendFileSynced(log, 'three\n');
    expect(await readFile(log, 'utf8')).toBe('one\nthree\n');
  });
});
