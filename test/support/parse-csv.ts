/**
 * A strict RFC 4180 reader for tests (independent of the exporter's code): quoted fields may hold
 * commas, doubled quotes and line breaks; records end with CRLF. Throws on anything malformed.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let at = 0;
  while (at < text.length) {
    let field = '';
    if (text[at] === '"') {
      at += 1;
      for (;;) {
        if (at >= text.length) throw new Error('unterminated quoted field');
        const char = text[at]!;
        if (char === '"') {
          if (text[at + 1] === '"') {
            field += '"';
            at += 2;
            continue;
          }
          at += 1;
          break;
        }
        field += char;
        at += 1;
      }
    } else {
      while (at < text.length && text[at] !== ',' && text[at] !== '\r' && text[at] !== '\n') {
        if (text[at] === '"') throw new Error(`a quote inside an unquoted field at ${at}`);
        field += text[at];
        at += 1;
      }
    }
    row.push(field);
    if (text[at] === ',') {
      at += 1;
      continue;
    }
    if (text.startsWith('\r\n', at)) {
      rows.push(row);
      row = [];
      at += 2;
      continue;
    }
    throw new Error(`expected a comma or CRLF at ${at}, found ${JSON.stringify(text.slice(at, at + 10))}`);
  }
  if (row.length > 0) throw new Error('the last record has no CRLF');
  return rows;
}
