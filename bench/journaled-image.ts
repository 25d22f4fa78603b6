import { spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR } from './paths.js';
import { isMountPoint } from './proc-stats.js';

/** A loop-mounted ext4 file system with a journal, and how to take it down again. */
export interface JournaledImage {
  /** Its mount point: a directory to make scratch directories in. */
  dir: string;
  /** Unmounts it and removes the image (safe to call twice). */
  unmount: () => void;
}

/** The image file and mount point of the image called `name` (the bench's is "journaled"). */
function placesOf(name: string): { image: string; mountPoint: string } {
  return { image: join(BENCH_DIR, `${name}.img`), mountPoint: join(BENCH_DIR, `${name}-mnt`) };
}
/** Sparse: only what is written takes room. Ample for the trickle phase's three stores. */
const IMAGE_BYTES = 256 * 1024 * 1024;

function isMounted(path: string): boolean {
  try {
    return isMountPoint(path, readFileSync('/proc/self/mountinfo', 'utf8'));
  } catch {
    return false;
  }
}

function run(command: string, args: string[]): string | null {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error) return `${command}: ${result.error.message}`;
  if (result.status !== 0) return `${command} ${args.join(' ')} exited ${result.status}: ${(result.stderr || result.stdout).trim().split('\n')[0] ?? ''}`;
  return null;
}

/** Unmounts and removes the image `name` if it is there (the bench's exit handler calls it too). */
export function takeDownJournaledImage(name = 'journaled'): void {
  const { image, mountPoint } = placesOf(name);
  if (isMounted(mountPoint)) run('umount', [mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
  rmSync(image, { force: true });
}

/**
 * Makes and loop-mounts a fresh ext4 image under .bench/ (4 KiB blocks, mkfs.ext4's defaults, a
 * journal): the file system a Raspberry Pi's SD card holds, so that the bench's device figures
 * count the journal's blocks as such a card would be sent them. This machine's own disk may not
 * journal (the bench names the file system it measured either way). Needs root, mkfs.ext4 and a
 * free loop device; when any is missing, `why` says which, and nothing is left behind. An image
 * of the same `name` left by an interrupted run is taken down first (a test uses its own name).
 */
export function mountJournaledImage(name = 'journaled'): JournaledImage | { why: string } {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return { why: 'mounting a loop image needs root' };
  takeDownJournaledImage(name);
  const { image, mountPoint } = placesOf(name);
  mkdirSync(mountPoint, { recursive: true });
  const fd = openSync(image, 'w');
  try {
    ftruncateSync(fd, IMAGE_BYTES);
  } finally {
    closeSync(fd);
  }
  const failed = run('mkfs.ext4', ['-q', '-F', '-b', '4096', image]) ?? run('mount', ['-o', 'loop', image, mountPoint]);
  if (failed !== null || !isMounted(mountPoint)) {
    takeDownJournaledImage(name);
    return { why: failed ?? `${mountPoint} is not mounted after mount returned` };
  }
  let down = false;
  return {
    dir: mountPoint,
    unmount: () => {
      if (down) return;
      down = true;
      takeDownJournaledImage(name);
    },
  };
}
