const BAR_WIDTH = 24;

function megabytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}

/**
 * One line of an export's progress: a bar and a percentage when the expected count is known
 * (capped at 100 %: the expectation counts records retention dropped), then the records and
 * bytes written. Pure: the caller draws it (with `\r`) on a terminal.
 */
export function renderProgress(records: number, bytes: number, expected: number | null): string {
  const count = `${records.toLocaleString('en-US')} records, ${megabytes(bytes)}`;
  if (expected === null || expected <= 0) return count;
  const share = Math.min(1, records / expected);
  const filled = Math.round(share * BAR_WIDTH);
  const percent = `${Math.floor(share * 100)}`.padStart(3);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${percent} %  ${count} of at most ${expected.toLocaleString('en-US')}`;
}
