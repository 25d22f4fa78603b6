/**
 * What a small commit costs at the block device, the file system's journal included: a line
 * appended to a log and fdatasynced (the open segment's commit), against the same line written
 * in place into a file already written with zeros and fsynced (a preallocated log), `--commits`
 * times each, twice in alternation. Reads the stat file of the device holding --dir (sectors and
 * write I/Os completed, after a `sync`); --dir must be on a block device (not tmpfs or overlay).
 *
 *   npx tsx tools/append-vs-overwrite.ts --dir .bench/tmp --line-bytes 421 --commits 1000
 *
 * --interval-ms N waits N ms between commits, as a home's predictions are spaced: past ext4's
 * journal commit interval (5 s by default) each write's time stamps reach the journal on their
 * own, preallocated or not.
 */
import { closeSync, fdatasyncSync, fsyncSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { blockDeviceOf, syncedDeviceWrites } from '../bench/proc-stats.js';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: '.bench/tmp' },
    'line-bytes': { type: 'string', default: '421' },
    commits: { type: 'string', default: '1000' },
    'interval-ms': { type: 'string', default: '0' },
  },
});
const lineBytes = Number(values['line-bytes']);
const commits = Number(values.commits);
const intervalMs = Number(values['interval-ms']);
if (!Number.isSafeInteger(lineBytes) || lineBytes < 2 || !Number.isSafeInteger(commits) || commits < 10) throw new Error('--line-bytes takes a whole number of at least 2, --commits one of at least 10');
if (!Number.isSafeInteger(intervalMs) || intervalMs < 0) throw new Error('--interval-ms takes a whole number of milliseconds (0 or more)');
mkdirSync(resolve(values.dir), { recursive: true });
const statFile = blockDeviceOf(resolve(values.dir));
if (statFile === null) throw new Error(`${values.dir} is on no block device: give --dir on a disk`);
const line = Buffer.from(`${'x'.repeat(lineBytes - 1)}\n`);

/** Blocks this thread for `ms` (the tool does nothing else meanwhile). */
function pause(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function measure(mode: 'append' | 'overwrite'): string {
  const dir = mkdtempSync(join(resolve(values.dir), 'append-vs-overwrite-'));
  try {
    const path = join(dir, 'log');
    const fd = openSync(path, mode === 'append' ? 'a' : 'w+');
    if (mode === 'overwrite') {
      writeSync(fd, Buffer.alloc(commits * lineBytes + 4096));
      fsyncSync(fd);
      const dirFd = openSync(dir, 'r');
      fsyncSync(dirFd);
      closeSync(dirFd);
    }
    const before = syncedDeviceWrites(statFile)!;
    for (let i = 0; i < commits; i += 1) {
      if (mode === 'append') writeSync(fd, line);
      else writeSync(fd, line, 0, line.length, i * lineBytes);
      fdatasyncSync(fd);
      pause(intervalMs);
    }
    const after = syncedDeviceWrites(statFile)!;
    closeSync(fd);
    return `${mode}: ${Math.round((after.bytes - before.bytes) / commits)} B in ${((after.ios - before.ios) / commits).toFixed(2)} device writes per commit`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.stdout.write(`${statFile}, ${commits} commits of a ${lineBytes} B line each${intervalMs > 0 ? `, ${intervalMs} ms apart` : ''}\n`);
for (const mode of ['append', 'overwrite', 'append', 'overwrite'] as const) process.stdout.write(`${measure(mode)}\n`);
