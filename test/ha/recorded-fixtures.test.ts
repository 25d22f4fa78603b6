/**
 * The payloads recorded from real Home Assistant releases (test/fixtures/ha-<version>/, see its
 * README) are what later capture tests replay: they must stay whole and as recorded.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/spawn-service.js';
import { PipelineEventSchema } from './support/ha-assist.js';
import { HA_RELEASES } from './support/ha-versions.js';

const FILES = [
  'assist-pipeline-list',
  'assist-run-understood',
  'assist-run-no-valid-targets',
  'assist-run-gibberish',
  'assist-run-no-intent-match',
  'assist-run-query',
  'assist-undo-by-person',
  'conversation-process',
  'conversation-debug',
  'automation-left-alone',
  'automation-reversed-by-person',
  'automation-error',
  'auth-list',
  'state-posted-by-rest',
  'bus-events',
];

describe.each(Object.keys(HA_RELEASES))('fixtures recorded from Home Assistant %s', (version) => {
  const dir = join(PROJECT_ROOT, 'test', 'fixtures', `ha-${version}`);
  const read = (name: string) => JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as Record<string, unknown>;

  it('has every scenario and nothing else', () => {
    expect(readdirSync(dir).sort()).toEqual(FILES.map((name) => `${name}.json`).sort());
  });

  it('holds no bearer token', () => {
    for (const name of FILES) expect(readFileSync(join(dir, `${name}.json`), 'utf8'), name).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}/);
  });

  it.each(FILES.filter((name) => name.startsWith('assist-run-')))('%s: a whole run, streamed and as pipeline_debug kept it', (name) => {
    const fixture = read(name);
    const streamed = PipelineEventSchema.array().parse(fixture['run_events']);
    const kept = PipelineEventSchema.array().parse((fixture['debug_get'] as { events: unknown }).events);
    expect(streamed.map((event) => event.type)).toEqual(['run-start', 'intent-start', 'intent-end', 'run-end']);
    expect(kept).toEqual(streamed);
  });

  it('the failing automation is traced with script_execution error', () => {
    const traces = read('automation-error')['trace_list'] as Array<{ item_id: string; script_execution: string }>;
    expect(traces.find((trace) => trace.item_id === 'test_automation_fails')?.script_execution).toBe('error');
  });
});
