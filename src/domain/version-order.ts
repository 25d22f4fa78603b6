/**
 * Natural order of model versions: digit runs compare as numbers, the text between them as text
 * (case-insensitively), so `1.2` < `1.9` < `1.10` and `v1` < `v2` < `v10`. A version that is a
 * prefix of another comes first (`1.0` < `1.0.1`). Versions equal in this order (`1.01`, `1.1`)
 * fall back to their plain text, so the order is total.
 */
export function compareVersionOrder(a: string, b: string): number {
  const left = chunks(a);
  const right = chunks(b);
  const length = Math.min(left.length, right.length);
  for (let i = 0; i < length; i += 1) {
    const order = compareChunks(left[i]!, right[i]!);
    if (order !== 0) return order;
  }
  if (left.length !== right.length) return left.length < right.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The versions in natural order (lowest first, highest last); the input is not changed. */
export function sortVersions(versions: readonly string[]): string[] {
  return versions.slice().sort(compareVersionOrder);
}

/** The highest version in natural order, or undefined for none. */
export function highestVersion(versions: readonly string[]): string | undefined {
  return sortVersions(versions).at(-1);
}

/** Alternating text and digit runs; empty runs dropped. */
function chunks(version: string): string[] {
  return version.split(/(\d+)/).filter((chunk) => chunk !== '');
}

function isDigits(chunk: string): boolean {
  return chunk.charCodeAt(0) >= 48 && chunk.charCodeAt(0) <= 57;
}

function compareChunks(a: string, b: string): number {
  const aDigits = isDigits(a);
  const bDigits = isDigits(b);
  // A number sorts before text at the same place (`1.0` < `1.a`).
  if (aDigits !== bDigits) return aDigits ? -1 : 1;
  if (aDigits) {
    // As numbers of any length: without leading zeros, the longer is larger, else compare digit by digit.
    const x = a.replace(/^0+(?=\d)/, '');
    const y = b.replace(/^0+(?=\d)/, '');
    if (x.length !== y.length) return x.length < y.length ? -1 : 1;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}
