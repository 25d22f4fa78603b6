/** One column of a table: its header, how to get a row's cell, and which side to align to. */
export interface Column<Row> {
  header: string;
  value: (row: Row) => string;
  /** `right` for numbers, so digits line up. Default `left`. */
  align?: 'left' | 'right';
}

const GAP = '  ';

/** Width on a terminal, simply: one column per code point (wide and combining characters are not special-cased). */
export function displayWidth(text: string): number {
  return [...text].length;
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'right' ? fill + text : text + fill;
}

/** A cell on one line: tabs and line breaks become spaces. */
function cellText(text: string): string {
  return text.replace(/[\t\r\n]+/g, ' ');
}

/**
 * Rows under a header and a rule, columns separated by two spaces and padded to their widest
 * cell. No trailing spaces, no trailing newline.
 */
export function formatTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string {
  const cells = rows.map((row) => columns.map((column) => cellText(column.value(row))));
  const widths = columns.map((column, index) =>
    Math.max(displayWidth(column.header), ...cells.map((line) => displayWidth(line[index] ?? ''))),
  );
  const render = (line: readonly string[]): string =>
    columns
      .map((column, index) => pad(line[index] ?? '', widths[index] ?? 0, column.align ?? 'left'))
      .join(GAP)
      .trimEnd();
  return [
    render(columns.map((column) => column.header)),
    widths.map((width) => '─'.repeat(width)).join(GAP),
    ...cells.map(render),
  ].join('\n');
}

/** Label/value lines (`accuracy   87.0%`) with the labels padded to one width. */
export function formatPairs(pairs: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(0, ...pairs.map(([label]) => displayWidth(label)));
  return pairs.map(([label, value]) => `${pad(label, width, 'left')}${GAP}${cellText(value)}`.trimEnd()).join('\n');
}
