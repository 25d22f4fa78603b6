/**
 * Store schema version 2 → 3. Version 3 keeps the open segment as an append-only log of JSON
 * lines (predictions/segment-NNNNNNNN.jsonl, segment-log-lines.ts) instead of one JSON document
 * rewritten at each commit. Every JSON file keeps its form: only the version changes. The open
 * segment of a version-2 store (the highest segment file without a summary) is rewritten as a log
 * when the service opens the store (recover-open-segment.ts).
 */
export function fromVersion2(raw: Record<string, unknown>): Record<string, unknown> {
  return { ...raw, schema_version: 3 };
}
