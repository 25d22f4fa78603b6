import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mountJournaledImage } from '../../bench/journaled-image.js';
import { BENCH_DIR } from '../../bench/paths.js';
import { blockDeviceOf, describeDeviceFileSystem, isMountPoint } from '../../bench/proc-stats.js';

function mounted(path: string): boolean {
  return isMountPoint(path, readFileSync('/proc/self/mountinfo', 'utf8'));
}

describe('the journaled ext4 image of the bench', () => {
  it('mounts an ext4 with a journal, or says why not, and leaves nothing behind', () => {
    // Its own name: a bench running meanwhile keeps its image.
    const name = `journaled-test-${process.pid}`;
    const image = mountJournaledImage(name);
    if ('why' in image) {
      // Not root, or no mkfs.ext4 / loop device here: nothing mounted, nothing left.
      expect(image.why.length).toBeGreaterThan(0);
      expect(existsSync(join(BENCH_DIR, `${name}.img`))).toBe(false);
      expect(mounted(join(BENCH_DIR, `${name}-mnt`))).toBe(false);
      return;
    }
    try {
      expect(mounted(image.dir)).toBe(true);
      writeFileSync(join(image.dir, 'probe'), 'x');
      const device = blockDeviceOf(image.dir);
      expect(device).not.toBeNull();
      expect(describeDeviceFileSystem(device!)).toMatch(/^loop\d+ \(ext4 with a journal\)$/);
    } finally {
      image.unmount();
    }
    expect(mounted(image.dir)).toBe(false);
    expect(existsSync(image.dir)).toBe(false);
    expect(existsSync(join(BENCH_DIR, `${name}.img`))).toBe(false);
    // A second call is harmless.
    image.unmount();
  });
});
