/**
 * Starts and stops a real Home Assistant (`tools/ha/run_hass.py --skip-pip -c <dir>`).
 *
 * Whatever starts it, stops it: `stop()` (SIGTERM to its process group, SIGKILL after a grace
 * period); a process `exit` hook (SIGKILL) if the test process exits without calling stop(); and,
 * when the test process dies without running any hook, run_hass.py sees its stdin close and stops
 * Home Assistant itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PROJECT_ROOT } from '../../support/spawn-service.js';

export const RUN_HASS = join(PROJECT_ROOT, 'tools', 'ha', 'run_hass.py');

export interface StartHomeAssistantOptions {
  /** The venv's interpreter (from ensureHomeAssistant). */
  python: string;
  configDir: string;
  port: number;
  /** Where Home Assistant's stdout and stderr go (appended). */
  outputPath: string;
}

export interface HomeAssistantProcess {
  readonly url: string;
  readonly pid: number;
  /** Settles with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** True once the process has exited. */
  readonly hasExited: boolean;
  /** SIGTERM to the process group, then waits; SIGKILL after `graceMs` (default 60 s). Resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
  /** The last lines Home Assistant wrote (stdout, stderr and home-assistant.log). */
  outputTail(lines?: number): string;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    // ESRCH: the group is already gone, which is what was wanted.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

function tailOf(path: string, lines: number): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return `(${path} cannot be read)`;
  }
}

/** Spawns Home Assistant; does not wait for it to answer (see waitForHomeAssistant). */
export function spawnHomeAssistant(options: StartHomeAssistantOptions): HomeAssistantProcess {
  const output = openSync(options.outputPath, 'a');
  let child: ChildProcess;
  try {
    child = spawn(options.python, [RUN_HASS, '--skip-pip', '-c', options.configDir], {
      cwd: options.configDir,
      // Own process group: stop() signals Home Assistant and anything it started, and a Ctrl-C
      // aimed at the test runner reaches Home Assistant through run_hass.py's stdin guard instead.
      detached: true,
      // stdin stays a pipe that this process never closes: it closes when this process dies.
      stdio: ['pipe', output, output],
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
    });
  } finally {
    closeSync(output);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`cannot start Home Assistant with ${options.python}`);
  let hasExited = false;
  const onExit = () => killGroup(pid, 'SIGKILL');
  process.on('exit', onExit);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      hasExited = true;
      process.off('exit', onExit);
      resolve(code);
    });
  });
  const logPath = join(options.configDir, 'home-assistant.log');
  return {
    url: `http://127.0.0.1:${options.port}`,
    pid,
    exited,
    get hasExited() {
      return hasExited;
    },
    async stop(graceMs = 60_000) {
      if (hasExited) return;
      killGroup(pid, 'SIGTERM');
      const timedOut = await Promise.race([exited.then(() => false), sleep(graceMs).then(() => true)]);
      if (timedOut) {
        killGroup(pid, 'SIGKILL');
        await exited;
      }
      // Anything else left in the group (a helper process Home Assistant started).
      killGroup(pid, 'SIGKILL');
    },
    outputTail(lines = 60) {
      return `--- ${options.outputPath} ---\n${tailOf(options.outputPath, lines)}\n--- ${logPath} ---\n${tailOf(logPath, lines)}`;
    },
  };
}

export interface WaitOptions {
  /** Give up after this long (default 120 s). */
  timeoutMs?: number;
  /** With a token: wait until `GET /api/config` says RUNNING. Without: until `GET /api/onboarding` answers 200. */
  token?: string;
}

/**
 * Waits until Home Assistant answers (and, with a token, has finished starting). Rejects with its
 * output when the process exits first or the time is up.
 */
export async function waitForHomeAssistant(hass: HomeAssistantProcess, options: WaitOptions = {}): Promise<number> {
  const started = Date.now();
  const deadline = started + (options.timeoutMs ?? 120_000);
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (hass.hasExited) throw new Error(`Home Assistant exited while starting:\n${hass.outputTail()}`);
    try {
      if (options.token) {
        const response = await fetch(`${hass.url}/api/config`, { headers: { authorization: `Bearer ${options.token}` }, signal: AbortSignal.timeout(5000) });
        if (response.ok) {
          const body = (await response.json()) as { state?: string };
          if (body.state === 'RUNNING') return Date.now() - started;
          last = `state ${body.state}`;
        } else last = `GET /api/config answered ${response.status}`;
      } else {
        const response = await fetch(`${hass.url}/api/onboarding`, { signal: AbortSignal.timeout(5000) });
        if (response.ok) return Date.now() - started;
        last = `GET /api/onboarding answered ${response.status}`;
      }
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(200);
  }
  throw new Error(`Home Assistant did not come up within ${options.timeoutMs ?? 120_000} ms (last: ${last}):\n${hass.outputTail()}`);
}
