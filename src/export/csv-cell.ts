/**
 * One CSV field as RFC 4180 writes it: quoted (with inner quotes doubled) when it holds a comma,
 * a quote, a carriage return or a line feed; as it is otherwise.
 */
export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One CSV record: the fields joined by commas, ended by CRLF (RFC 4180). */
export function csvRow(fields: readonly string[]): string {
  return `${fields.map(csvCell).join(',')}\r\n`;
}
