import { CommanderError } from 'commander';
import { InvalidInputError } from '../tracker/errors.js';
import { buildProgram } from './build-program.js';
import { CliError, errorMessage, oneLine } from './cli-errors.js';
import { type CliIo, debugEnabled, processIo } from './cli-io.js';

export type { CliIo } from './cli-io.js';

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;

/** Commander's ways of ending that are not failures. */
const COMMANDER_SUCCESS = new Set(['commander.helpDisplayed', 'commander.version']);

/** One `hap: ...` line on standard error (plus the stack with HAP_DEBUG=1); returns the exit code. */
function report(error: unknown, io: CliIo): number {
  let code = EXIT_ERROR;
  let message: string;
  if (error instanceof CommanderError) {
    if (COMMANDER_SUCCESS.has(error.code)) return EXIT_OK;
    // `hap help`, `hap ml-metrics help [command]`: the help asked for, printed on stdout (exitCode 0).
    // `hap` or `hap ml-metrics` alone: commander has already printed the help to stderr (exitCode 1).
    if (error.code === 'commander.help') return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    code = EXIT_USAGE;
    message = oneLine(error.message.replace(/^error:\s*/i, ''));
  } else if (error instanceof CliError) {
    code = error.exitCode;
    message = errorMessage(error);
  } else if (error instanceof InvalidInputError) {
    code = EXIT_USAGE;
    message = errorMessage(error);
  } else {
    message = errorMessage(error);
  }
  io.stderr(`hap: ${message}\n`);
  if (debugEnabled(io.env) && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
  return code;
}

/** Runs `hap ...`; resolves to the exit code (0 ok, 1 error, 2 usage error). Never calls process.exit. */
export async function runCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  let exitCode = EXIT_OK;
  const program = buildProgram({
    io,
    setExitCode: (code) => {
      exitCode = code;
    },
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return report(error, io);
  }
}
