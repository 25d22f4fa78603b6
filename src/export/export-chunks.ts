import type { ExportFormat } from '../domain/export-query.js';
import type { PredictionLog } from '../domain/prediction.js';
import { csvRow } from './csv-cell.js';
import { EXPORT_COLUMNS, exportFields } from './export-columns.js';

/** Records are gathered into pieces of about this many characters before they are handed on. */
const CHUNK_CHARS = 64 * 1024;

/** The text of one record in `format` (a CSV row, or a JSON line), with its line ending. */
export function exportLine(record: PredictionLog, format: ExportFormat): string {
  return format === 'csv' ? csvRow(exportFields(record)) : `${JSON.stringify(record)}\n`;
}

/** The first text of an export: the CSV header row; nothing for JSON lines. */
export function exportHeader(format: ExportFormat): string {
  return format === 'csv' ? csvRow(EXPORT_COLUMNS) : '';
}

/**
 * The export's text in pieces of about 64 KiB, pulled one at a time: the next records are read
 * only when the consumer asks for the next piece, so a slow reader slows the reading down and
 * memory holds one piece (and the store one segment). `onRecords` hears how many records each
 * piece holds (a progress bar).
 */
export async function* exportChunks(records: AsyncIterable<PredictionLog>, format: ExportFormat, onRecords?: (count: number) => void): AsyncGenerator<string> {
  let chunk = exportHeader(format);
  let inChunk = 0;
  for await (const record of records) {
    chunk += exportLine(record, format);
    inChunk += 1;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      onRecords?.(inChunk);
      chunk = '';
      inChunk = 0;
    }
  }
  if (chunk.length > 0) yield chunk;
  if (inChunk > 0) onRecords?.(inChunk);
}
