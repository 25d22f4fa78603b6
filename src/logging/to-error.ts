/**
 * The one place where a thrown value of unknown type becomes an `Error`. Every `catch` that needs
 * a message or an `Error` goes through here, instead of casting (`error as Error`).
 */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  if (typeof thrown === 'string') return new Error(thrown);
  if (typeof thrown === 'object' && thrown !== null) {
    const message = (thrown as { message?: unknown }).message;
    if (typeof message === 'string') return new Error(message);
    try {
      return new Error(JSON.stringify(thrown));
    } catch {
      // A cyclic object: its tag is all that can be said of it.
      return new Error(Object.prototype.toString.call(thrown));
    }
  }
  return new Error(String(thrown));
}

/** The message of anything thrown, for logs and answers. */
export function describeError(thrown: unknown): string {
  return toError(thrown).message;
}
