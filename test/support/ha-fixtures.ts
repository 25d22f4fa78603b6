/** Payloads recorded from a real Home Assistant (test/fixtures/ha-<version>/, see test/fixtures/README.md). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './spawn-service.js';

/** The releases the fixtures were recorded from. */
export const HA_FIXTURE_VERSIONS = ['2024.3.3', '2025.4.4'] as const;
export type HaFixtureVersion = (typeof HA_FIXTURE_VERSIONS)[number];

/** One recorded file, parsed (fixtures are JSON of Home Assistant's own shapes: read them as such). */
export function haFixture(version: HaFixtureVersion, name: string): any {
  return JSON.parse(readFileSync(join(PROJECT_ROOT, 'test', 'fixtures', `ha-${version}`, `${name}.json`), 'utf8'));
}
