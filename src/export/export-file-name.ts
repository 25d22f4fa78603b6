import type { ExportFormat } from '../domain/export-query.js';

/** Characters kept as they are in the plain `filename`; others become `_`. */
const UNSAFE = /[^A-Za-z0-9._-]+/g;

/**
 * The attachment's file name, `ml-metrics-<model>[-<version>].<csv|jsonl>`: `name` with only
 * ASCII letters, digits, `.`, `_` and `-` (for any client), and `header`, the Content-Disposition
 * with that name and the exact one in `filename*` (RFC 6266 / 5987, UTF-8).
 */
export function exportFileName(what: { model_name: string; model_version: string | null; format: ExportFormat }): { name: string; header: string } {
  const exact = `ml-metrics-${what.model_name}${what.model_version === null ? '' : `-${what.model_version}`}.${what.format}`;
  const name = exact.replace(UNSAFE, '_');
  const encoded = encodeURIComponent(exact).replace(/['()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
  return { name, header: `attachment; filename="${name}"; filename*=UTF-8''${encoded}` };
}
