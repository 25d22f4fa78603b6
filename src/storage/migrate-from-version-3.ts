/**
 * Store schema version 3 → 4. Version 4 seals a segment by no longer appending to its log: the
 * sealed segment is the log itself (`predictions/segment-NNNNNNNN.jsonl`), not a JSON document
 * written from it. A log's header was `kind: "open-segment"`; a sealed log calling itself open
 * would mislead, so it is `kind: "segment-log"`. Every other file keeps its form: only the version
 * changes. Sealed JSON documents of older stores (`segment-NNNNNNNN.json`) stay as they are and are
 * still read (and rewritten in their own form for a late label).
 */
export function fromVersion3(raw: Record<string, unknown>): Record<string, unknown> {
  const next: Record<string, unknown> = { ...raw, schema_version: 4 };
  if (raw['kind'] === 'open-segment') next['kind'] = 'segment-log';
  return next;
}
