/**
 * Checks that `value` is a count: a non-negative safe integer.
 *
 * @throws RangeError naming `what` otherwise.
 */
export function assertCount(what: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${what} must be a non-negative integer, got ${value}`);
  }
}

/**
 * Checks that `successes` and `n` are counts and `successes <= n`.
 *
 * @throws RangeError otherwise.
 */
export function assertSuccesses(successes: number, n: number): void {
  assertCount('successes', successes);
  assertCount('n', n);
  if (successes > n) throw new RangeError(`successes (${successes}) cannot exceed n (${n})`);
}
