/** Base of the errors the `hap` command reports itself: one line, no stack, an exit code. */
export class CliError extends Error {
  override name = 'CliError';
  readonly exitCode: number = 1;
}

/** A bad argument or option: exit code 2, like commander's own usage errors. */
export class CliUsageError extends CliError {
  override name = 'CliUsageError';
  override readonly exitCode: number = 2;
}

/** The service behind `--url` could not be reached or answered with something unusable. */
export class RemoteServiceError extends CliError {
  override name = 'RemoteServiceError';
}

/** The message for a model that is not tracked, naming those that are. */
export function unknownModelError(name: string, knownModels: readonly string[]): CliError {
  const known = knownModels.length > 0 ? `known models: ${knownModels.join(', ')}` : 'no models are tracked yet';
  return new CliError(`no model named ${JSON.stringify(name)}; ${known}`);
}

/** The cause of an error as one line (an error's message, or the thrown value as text). */
export function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return oneLine(text);
}

/** Collapses line breaks so a message prints on a single line. */
export function oneLine(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join(' ');
}
