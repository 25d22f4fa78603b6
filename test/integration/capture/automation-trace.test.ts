import { describe, expect, it } from 'vitest';
import { traceOutcome } from '../../../src/integration/capture/automation-runs.js';
import { TraceContextsSchema } from '../../../src/integration/capture/hub-payloads.js';
import { HA_FIXTURE_VERSIONS, haFixture } from '../../support/ha-fixtures.js';

describe.each(HA_FIXTURE_VERSIONS)('automation traces recorded from Home Assistant %s', (version) => {
  /** The outcome of the recorded run, found as the capture finds it: its trigger's context → trace/contexts → trace/list. */
  const outcome = (name: string) => {
    const recorded = haFixture(version, name);
    const contexts = TraceContextsSchema.parse(recorded.trace_contexts);
    const traced = contexts[recorded.automation_triggered[0].context.id];
    expect(traced?.domain).toBe('automation');
    return traceOutcome(recorded.trace_list, traced!.run_id);
  };

  it('ties an automation_triggered to its run through trace/contexts, and reads the outcome', () => {
    expect(outcome('automation-error')).toBe('error');
    expect(outcome('automation-left-alone')).toBe('done');
    expect(outcome('automation-reversed-by-person')).toBe('done');
  });

  it('knows nothing of a run whose trace is gone, or of an answer that does not validate', () => {
    const recorded = haFixture(version, 'automation-error');
    expect(traceOutcome(recorded.trace_list, 'no-such-run')).toBe('unknown');
    expect(traceOutcome({ error: 'nope' }, 'x')).toBe('unknown');
  });
});
