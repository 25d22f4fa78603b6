import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './paths.js';

/** A running yardstick server (bare-sink.ts, sqlite-sink.py, or static-answer.ts for queries). */
export interface SinkProcess {
  kind: SinkKind;
  pid: number;
  /** e.g. http://127.0.0.1:41234; POST anywhere under it. */
  baseUrl: string;
  stop(): Promise<{ clean: boolean }>;
}

export type SinkKind = 'bare' | 'sqlite' | 'static';

const commands: Record<SinkKind, (file: string) => [string, string[]]> = {
  bare: (file) => [process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'bare-sink.ts'), file]],
  sqlite: (file) => ['python3', [join(ROOT, 'bench', 'sqlite-sink.py'), file]],
  static: (file) => [process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'static-answer.ts'), file]],
};

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Spawns a sink writing to `file` (the static answer: reading it) and resolves once it prints its address. */
export function spawnSink(kind: SinkKind, file: string, timeoutMs = 30_000): Promise<SinkProcess> {
  const [command, args] = commands[kind](file);
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) return Promise.reject(new Error(`could not spawn the ${kind} sink (${command})`));
  const pid = child.pid;
  running.add(child);
  child.once('exit', () => running.delete(child));
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    err = (err + chunk).slice(-4000);
  });
  const stop = async (): Promise<{ clean: boolean }> => {
    if (child.exitCode !== null || child.signalCode !== null) return { clean: child.exitCode === 0 };
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const code = await exited;
    clearTimeout(timer);
    return { clean: code === 0 };
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error(`the ${kind} sink did not start within ${timeoutMs} ms:\n${err}`)), timeoutMs);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /listening (http:\/\/\S+)/.exec(out);
      if (match && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve({ kind, pid, baseUrl: match[1]!, stop });
      }
    });
    child.once('exit', (code, signal) => fail(new Error(`the ${kind} sink exited (code ${code}, signal ${signal}) before listening:\n${err}`)));
    child.once('error', (error) => fail(error));
  });
}
