import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeError } from '../logging/to-error.js';
import { HubConfigError } from './errors.js';
import type { EventMapping, EventMappings } from './event-mapping.js';
import { EventMappingsSchema } from './event-mapping.js';

/** The default event contract shipped in the package's config/ folder. */
export const DEFAULT_EVENTS_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'config', 'hub-events.json');

/**
 * The event contract in force: the shipped mappings, each replaced by the user's mapping of the
 * same event type (a `null` switches it off; a new type adds one). Validated; a problem names
 * the event type and field.
 */
export function loadEventMappings(overrides: EventMappings, path = DEFAULT_EVENTS_PATH): Record<string, EventMapping> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new HubConfigError(`cannot read the event contract ${path}: ${describeError(error)}`);
  }
  const shipped = EventMappingsSchema.safeParse(raw);
  if (!shipped.success) {
    const issue = shipped.error.issues[0];
    throw new HubConfigError(`invalid event contract in ${path}: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  const merged: Record<string, EventMapping> = {};
  for (const [type, mapping] of Object.entries({ ...shipped.data, ...overrides })) {
    if (mapping) merged[type] = mapping;
  }
  return merged;
}
