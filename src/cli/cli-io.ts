/** Where the `hap` command writes and what environment it reads; tests pass their own. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Standard output as a stream, for output too large to hold (`export`): written with backpressure. Absent: `stdout`. */
  stdoutStream?: NodeJS.WritableStream;
  /** True when standard error is a terminal (progress bars are drawn only then). */
  stderrIsTTY?: boolean;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => {
      process.stdout.write(text);
    },
    stderr: (text) => {
      process.stderr.write(text);
    },
    env: process.env,
    stdoutStream: process.stdout,
    stderrIsTTY: process.stderr.isTTY === true,
  };
}

/** `HAP_DEBUG=1`: stack traces and the store's log lines on standard error. */
export function debugEnabled(env: NodeJS.ProcessEnv): boolean {
  const value = env.HAP_DEBUG?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}
