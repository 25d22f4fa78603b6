/** Plain-text table and the final JSON line. */

export interface Row {
  measure: string;
  value: string;
  target?: string;
  /** true pass, false fail, undefined no target. */
  pass?: boolean | undefined;
}

export function fmtInt(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function fmt(value: number, digits: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** The mark next to a measure, with how far off a miss is. */
export function mark(pass: boolean | undefined): string {
  if (pass === undefined) return '';
  return pass ? 'PASS' : 'MISS';
}

export function renderTable(title: string, rows: Row[]): string {
  const headers = ['measure', 'value', 'target', ''];
  const cells = rows.map((row) => [row.measure, row.value, row.target ?? '', mark(row.pass)]);
  const widths = headers.map((header, column) => Math.max(header.length, ...cells.map((cell) => cell[column]!.length)));
  const line = (parts: string[]) => parts.map((part, column) => part.padEnd(widths[column]!)).join('  ').trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [...(title ? [title] : []), rule, line(headers), rule, ...cells.map(line), rule].join('\n');
}

/** How far a measure is from its target, e.g. "-18% (16,400 vs 20,000)". */
export function shortfall(value: number, target: number, higherIsBetter: boolean, unit = ''): string {
  const ratio = value / target - 1;
  const off = higherIsBetter ? target - value : value - target;
  const pct = `${(Math.abs(ratio) * 100).toFixed(0)}%`;
  return `${higherIsBetter ? 'short by' : 'over by'} ${fmt(off, off >= 100 ? 0 : 2)}${unit} (${pct})`;
}
