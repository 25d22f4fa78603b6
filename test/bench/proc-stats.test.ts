import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  blockDeviceOf,
  describeDeviceFileSystem,
  ext4JournalOf,
  fileSystemTypeOf,
  isMountPoint,
  bytesWrittenBetween,
  cpuShares,
  parseBlockStat,
  parseProcessCpuMs,
  parseProcIo,
  parseProcStatCpu,
  processCpuMs,
  syncedDeviceWrites,
} from '../../bench/proc-stats.js';
import { percentile } from '../../bench/http-client.js';

const IO = `rchar: 1685830
wchar: 26189
syscr: 667
syscw: 129
read_bytes: 4096
write_bytes: 446464
cancelled_write_bytes: 8192
`;

describe('parseProcIo', () => {
  it('reads write_bytes, cancelled_write_bytes and read_bytes (not wchar)', () => {
    expect(parseProcIo(IO)).toEqual({ writeBytes: 446_464, cancelledWriteBytes: 8192, readBytes: 4096 });
  });

  it('names the missing field', () => {
    expect(() => parseProcIo(IO.replace(/^write_bytes.*$/m, ''))).toThrow(/write_bytes/);
  });

  it('bytes written between two readings leave out the cancelled ones', () => {
    const before = parseProcIo(IO);
    const after = { writeBytes: before.writeBytes + 10_000, cancelledWriteBytes: before.cancelledWriteBytes + 4096, readBytes: 0 };
    expect(bytesWrittenBetween(before, after)).toBe(5904);
  });
});

describe('parseProcessCpuMs', () => {
  // A real line's shape, with a command name holding a space and a parenthesis.
  const STAT = '4242 (node (x) y) S 1 4242 4242 0 -1 4194560 9140 0 0 0 1234 567 0 0 20 0 11 0 812 1150676992 33522 18446744073709551615 1 1 0 0 0 0 0 16781312 17922 0 0 0 17 1 0 0 0 0 0';

  it('adds utime and stime (fields 14 and 15) and turns clock ticks into ms', () => {
    expect(parseProcessCpuMs(STAT)).toBe((1234 + 567) * 10);
  });

  it('refuses a line without the fields', () => {
    expect(() => parseProcessCpuMs('4242 (node) S 1')).toThrow(/utime/);
  });

  it('reads this process: a finite CPU time that does not go back while it works', () => {
    const before = processCpuMs('self');
    const until = performance.now() + 60;
    let spin = 0;
    while (performance.now() < until) spin += 1;
    expect(spin).toBeGreaterThan(0);
    expect(processCpuMs('self')).toBeGreaterThanOrEqual(before);
    expect(Number.isFinite(before)).toBe(true);
  });
});

describe('parseProcStatCpu', () => {
  const STAT = 'cpu  968721 7865 207777 687410 10757 0 5089 1365 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\nintr 1 2\n';

  it('sums busy time and keeps idle, iowait and steal apart', () => {
    const times = parseProcStatCpu(STAT);
    expect(times).toEqual({ busy: 968_721 + 7865 + 207_777 + 0 + 5089, idle: 687_410, iowait: 10_757, steal: 1365, total: 1_888_984 });
  });

  it('shares between two readings add up to at most 1', () => {
    const before = parseProcStatCpu(STAT);
    const after = { busy: before.busy + 50, idle: before.idle + 30, iowait: before.iowait + 20, steal: before.steal, total: before.total + 100 };
    expect(cpuShares(before, after)).toEqual({ busy: 0.5, iowait: 0.2, steal: 0 });
  });

  it('refuses a file without the all-CPU line', () => {
    expect(() => parseProcStatCpu('cpu0 1 2 3 4 5 6 7 8\n')).toThrow(/"cpu " line/);
  });
});

describe('percentile (nearest rank)', () => {
  it('p50 and p99 of 1..100 are 50 and 99; one value is every percentile; none is NaN', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('block device writes', () => {
  it('reads write I/Os and sectors (512 B) from a /sys/block stat line', () => {
    const line = '  584177    45730 24494690   621522 21503711  2223081 234240864  3795877        0  2742444  6203354  2154562     5254 97103640   487774  6111652  1298179\n';
    expect(parseBlockStat('/sys/dev/block/254:0/stat', line)).toEqual({ statFile: '/sys/dev/block/254:0/stat', ios: 21503711, bytes: 234240864 * 512 });
  });

  it('finds no block device under a file system that has none, and a readable one where it does', () => {
    expect(blockDeviceOf('/proc/self')).toBeNull();
    expect(syncedDeviceWrites(null)).toBeNull();
    const device = blockDeviceOf(tmpdir());
    if (device !== null) {
      expect(device).toMatch(/^\/sys\/dev\/block\/\d+:\d+\/stat$/);
      const first = syncedDeviceWrites(device)!;
      writeFileSync(join(tmpdir(), `block-device-${process.pid}`), 'x'.repeat(65536), { flush: true });
      rmSync(join(tmpdir(), `block-device-${process.pid}`));
      expect(syncedDeviceWrites(device)!.bytes).toBeGreaterThan(first.bytes);
    }
  });
});

describe('the file system on a block device', () => {
  const mountinfo = [
    '22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw,discard',
    '35 22 0:32 / /tmp rw,nosuid shared:15 - tmpfs tmpfs rw,size=1024k',
    '612 22 7:0 / /mnt/avo rw,relatime shared:300 - ext4 /dev/loop0 rw',
    '700 22 8:17 / /data rw,relatime - xfs /dev/sdb1 rw,attr2',
  ].join('\n');

  it('finds the type mounted from a major:minor in /proc/self/mountinfo', () => {
    expect(fileSystemTypeOf('254:0', mountinfo)).toBe('ext4');
    expect(fileSystemTypeOf('7:0', mountinfo)).toBe('ext4');
    expect(fileSystemTypeOf('8:17', mountinfo)).toBe('xfs');
    expect(fileSystemTypeOf('0:32', mountinfo)).toBe('tmpfs');
    expect(fileSystemTypeOf('8:1', mountinfo)).toBeNull();
  });

  it('finds a mount point, its spaces written as octal escapes', () => {
    const withSpace = `${mountinfo}\n800 22 7:2 / /mnt/my\\040disk rw - ext4 /dev/loop2 rw`;
    expect(isMountPoint('/mnt/avo', withSpace)).toBe(true);
    expect(isMountPoint('/mnt/my disk', withSpace)).toBe(true);
    expect(isMountPoint('/mnt/my\\040disk', withSpace)).toBe(false);
    expect(isMountPoint('/mnt', withSpace)).toBe(false);
  });

  it("tells an ext4 with a journal (jbd2 lists it as <device>-<inode>) from one without", () => {
    expect(ext4JournalOf('ext4', 'loop0', ['loop0-8'])).toBe(true);
    expect(ext4JournalOf('ext4', 'vda', ['loop0-8'])).toBe(false);
    expect(ext4JournalOf('ext4', 'vda', [])).toBe(false);
    // A device whose name another one's starts with is not it.
    expect(ext4JournalOf('ext4', 'loop1', ['loop10-8'])).toBe(false);
    expect(ext4JournalOf('ext3', 'sda1', ['sda1-8'])).toBe(true);
    expect(ext4JournalOf('xfs', 'sdb1', [])).toBeNull();
    expect(ext4JournalOf(null, 'sdb1', ['sdb1-8'])).toBeNull();
  });

  it('names the device holding a directory and its file system', () => {
    const device = blockDeviceOf(tmpdir());
    if (device === null) return;
    expect(describeDeviceFileSystem(device)).toMatch(/^\S+ \((.+)\)$/);
  });
});
