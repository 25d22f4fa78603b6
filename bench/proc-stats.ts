import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { loadavg } from 'node:os';

/** Storage I/O a process caused, from /proc/<pid>/io (bytes). */
export interface ProcIo {
  /** Bytes the process caused to be sent to the storage layer (page cache dirtied by it), not what it asked to write. */
  writeBytes: number;
  /** Dirty page-cache bytes it truncated or unlinked before they reached the disk. */
  cancelledWriteBytes: number;
  readBytes: number;
}

/** Parses the text of /proc/<pid>/io; throws naming the field that is missing. */
export function parseProcIo(text: string): ProcIo {
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+)\\s*$`, 'm').exec(text);
    if (!match) throw new Error(`/proc/<pid>/io has no ${name} line`);
    return Number(match[1]);
  };
  return { writeBytes: field('write_bytes'), cancelledWriteBytes: field('cancelled_write_bytes'), readBytes: field('read_bytes') };
}

export function readProcIo(pid: number | 'self'): ProcIo {
  return parseProcIo(readFileSync(`/proc/${pid}/io`, 'utf8'));
}

/** Bytes written to storage between two readings (write_bytes; cancelled bytes never reached the disk). */
export function bytesWrittenBetween(before: ProcIo, after: ProcIo): number {
  return after.writeBytes - before.writeBytes - (after.cancelledWriteBytes - before.cancelledWriteBytes);
}

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux whatever the kernel's HZ). */
const USER_HZ = 100;

/**
 * CPU time of a whole process (every thread: the event loop, the thread pool, V8's GC helpers),
 * in ms, from the text of /proc/<pid>/stat: utime + stime (fields 14 and 15, counted after the
 * command name, which may hold spaces and parentheses).
 */
export function parseProcessCpuMs(text: string): number {
  const fields = text.slice(text.lastIndexOf(')') + 2).trim().split(/\s+/);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error('/proc/<pid>/stat has no utime/stime fields');
  return ((utime + stime) * 1000) / USER_HZ;
}

/** CPU time of every thread of a process so far, in ms (10 ms resolution); NaN once it is gone. */
export function processCpuMs(pid: number | 'self'): number {
  try {
    return parseProcessCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return Number.NaN;
  }
}

/** The machine's CPU time counters (jiffies) from the `cpu` line of /proc/stat. */
export interface CpuTimes {
  busy: number;
  idle: number;
  iowait: number;
  steal: number;
  total: number;
}

/** Parses the first (all-CPU) line of /proc/stat: user nice system idle iowait irq softirq steal [guest guest_nice]. */
export function parseProcStatCpu(text: string): CpuTimes {
  const line = text.split('\n').find((row) => row.startsWith('cpu '));
  if (!line) throw new Error('/proc/stat has no "cpu " line');
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  if (values.length < 8 || values.some((value) => !Number.isFinite(value))) throw new Error(`/proc/stat cpu line is not 8+ numbers: "${line}"`);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = values as [number, number, number, number, number, number, number, number];
  // guest and guest_nice are already counted in user and nice.
  return { busy: user + nice + system + irq + softirq, idle, iowait, steal, total: user + nice + system + idle + iowait + irq + softirq + steal };
}

/** Shares (0..1) of the machine's CPU time between two readings. */
export function cpuShares(before: CpuTimes, after: CpuTimes): { busy: number; iowait: number; steal: number } {
  const total = after.total - before.total;
  if (total <= 0) return { busy: Number.NaN, iowait: Number.NaN, steal: Number.NaN };
  return { busy: (after.busy - before.busy) / total, iowait: (after.iowait - before.iowait) / total, steal: (after.steal - before.steal) / total };
}

export function readCpuTimes(): CpuTimes {
  return parseProcStatCpu(readFileSync('/proc/stat', 'utf8'));
}

/** The machine right now: load averages, and CPU busy / I/O-wait / steal shares over `sampleMs`. */
export interface MachineSnapshot {
  load: [number, number, number];
  busy: number;
  iowait: number;
  steal: number;
}

export async function machineSnapshot(sampleMs = 1000): Promise<MachineSnapshot> {
  const before = readCpuTimes();
  await new Promise((resolve) => setTimeout(resolve, sampleMs));
  const shares = cpuShares(before, readCpuTimes());
  const [one, five, fifteen] = loadavg() as [number, number, number];
  return { load: [one, five, fifteen], ...shares };
}

export function describeMachine(snapshot: MachineSnapshot): string {
  const pct = (share: number) => `${(share * 100).toFixed(0)}%`;
  return `load average ${snapshot.load.map((value) => value.toFixed(2)).join(' / ')} (1/5/15 min), CPU busy ${pct(snapshot.busy)}, I/O wait ${pct(snapshot.iowait)}, steal ${pct(snapshot.steal)} (over 1 s)`;
}

/** Writes a block device has completed (from its sysfs stat file). */
export interface DeviceWrites {
  /** The device's stat file, e.g. /sys/dev/block/254:0/stat or /sys/block/loop0/stat. */
  statFile: string;
  ios: number;
  bytes: number;
}

/**
 * The stat file of the block device (or partition) holding `path`, by its major:minor in
 * /sys/dev/block; null when the file system has no block device there (tmpfs, overlay, network
 * file systems).
 */
export function blockDeviceOf(path: string): string | null {
  const dev = statSync(path).dev;
  // Linux's dev_t: major in bits 8-19 (and 32-43), minor in bits 0-7 (and 20-31).
  const major = Math.floor(dev / 256) & 0xfff;
  const minor = (dev & 0xff) | (Math.floor(dev / 4096) & 0xfff00);
  const statFile = `/sys/dev/block/${major}:${minor}/stat`;
  return existsSync(statFile) ? statFile : null;
}

/**
 * Whether `path` is a mount point, from the text of /proc/self/mountinfo (field 5 is the mount
 * point, with spaces, tabs, newlines and backslashes written as octal escapes).
 */
export function isMountPoint(path: string, mountinfo: string): boolean {
  const escaped = path.replace(/[ \t\n\\]/g, (char) => `\\${char.charCodeAt(0).toString(8).padStart(3, '0')}`);
  return mountinfo.split('\n').some((line) => line.split(' ')[4] === escaped);
}

/**
 * The file system type mounted from the device `majorMinor` ("254:0"), from the text of
 * /proc/self/mountinfo (field 3 is major:minor; the type follows the " - " separator); null when
 * nothing is mounted from it.
 */
export function fileSystemTypeOf(majorMinor: string, mountinfo: string): string | null {
  for (const line of mountinfo.split('\n')) {
    const [before, after] = line.split(' - ');
    if (after === undefined || before!.split(' ')[2] !== majorMinor) continue;
    return after.split(' ')[0] ?? null;
  }
  return null;
}

/**
 * Whether an ext3/ext4 file system on `device` (a name such as vda or loop0) journals: jbd2 lists
 * each journal it runs in /proc/fs/jbd2 as `<device>-<journal inode>` (e.g. loop0-8). `jbd2`
 * holds those names (empty when the directory is absent). Other file systems: null (unknown here).
 */
export function ext4JournalOf(fsType: string | null, device: string, jbd2: readonly string[]): boolean | null {
  if (fsType !== 'ext4' && fsType !== 'ext3') return null;
  return jbd2.some((entry) => entry.startsWith(`${device}-`));
}

/**
 * Names a device (its stat file, as from blockDeviceOf) and its file system for the bench's notes,
 * e.g. "vda (ext4 without a journal)": a device figure means little without it, since an ext4
 * journal adds one or more blocks to every fdatasync that changes a file's size.
 */
export function describeDeviceFileSystem(statFile: string): string {
  const dir = statFile.replace(/\/stat$/, '');
  let device = basename(dir);
  let majorMinor = device;
  try {
    if (dir.startsWith('/sys/block/')) majorMinor = readFileSync(`${dir}/dev`, 'utf8').trim();
    else device = basename(readlinkSync(dir));
  } catch {
    // Left as named: the description says the file system was not found.
  }
  let fsType: string | null = null;
  try {
    fsType = fileSystemTypeOf(majorMinor, readFileSync('/proc/self/mountinfo', 'utf8'));
  } catch {
    fsType = null;
  }
  let jbd2: string[] = [];
  try {
    jbd2 = readdirSync('/proc/fs/jbd2');
  } catch {
    jbd2 = [];
  }
  const journal = ext4JournalOf(fsType, device, jbd2);
  const kind = fsType === null ? 'file system not found in /proc/self/mountinfo' : journal === null ? fsType : `${fsType} ${journal ? 'with a journal' : 'without a journal'}`;
  return `${device} (${kind})`;
}

/** Parses a block device's stat line: fields 5 and 7 are write I/Os completed and sectors written (of 512 B). */
export function parseBlockStat(statFile: string, text: string): DeviceWrites {
  const fields = text.trim().split(/\s+/).map(Number);
  return { statFile, ios: fields[4] ?? 0, bytes: (fields[6] ?? 0) * 512 };
}

/**
 * What a block device (its stat file) has written so far, after `sync` (so that what the kernel
 * still holds, the ext4 journal's commits included, is counted where it belongs); null when
 * there is no device to read.
 */
export function syncedDeviceWrites(statFile: string | null): DeviceWrites | null {
  if (statFile === null) return null;
  spawnSync('sync', { stdio: 'ignore' });
  return parseBlockStat(statFile, readFileSync(statFile, 'utf8'));
}
