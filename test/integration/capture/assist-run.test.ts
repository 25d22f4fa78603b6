import { describe, expect, it } from 'vitest';
import { assistIntentLabel, isBuiltInAgent, isUnderstood, readAssistRun } from '../../../src/integration/capture/assist-run.js';
import { PipelineListSchema, PipelineRunSchema, RecogniserDebugSchema } from '../../../src/integration/capture/hub-payloads.js';
import { HA_FIXTURE_VERSIONS, haFixture } from '../../support/ha-fixtures.js';

describe.each(HA_FIXTURE_VERSIONS)('reading Assist runs recorded from Home Assistant %s', (version) => {
  const pipeline = PipelineListSchema.parse(haFixture(version, 'assist-pipeline-list')).pipelines[0]!;
  const run = (name: string) => {
    const recorded = haFixture(version, name);
    const runId = recorded.debug_list.pipeline_runs.at(-1).pipeline_run_id;
    return readAssistRun(runId, pipeline, PipelineRunSchema.parse(recorded.debug_get).events)!;
  };

  it('reads an understood command: its text, response, targets and the built-in engine', () => {
    const understood = run('assist-run-understood');
    expect(understood.intent).toMatchObject({ text: 'turn on the kitchen lamp', response_type: 'action_done', error_code: null, targets: ['input_boolean.kitchen_lamp'] });
    expect(isBuiltInAgent(understood.intent!.engine)).toBe(true);
    expect(isUnderstood(understood)).toBe(true);
    expect(understood.stt).toBeNull();
    expect(understood.pipeline_name).toBe('Home Assistant');
    expect(assistIntentLabel(understood, 'HassTurnOn')).toEqual({ intent: 'HassTurnOn', label_source: 'recogniser' });
    expect(assistIntentLabel(understood, null)).toEqual({ intent: 'action_done', label_source: 'response_type' });
  });

  it('reads a sentence it cannot act on as not understood, labeled with the error code', () => {
    const refused = run('assist-run-no-valid-targets');
    expect(refused.intent).toMatchObject({ response_type: 'error', error_code: 'no_valid_targets', targets: [] });
    expect(isUnderstood(refused)).toBe(false);
    expect(assistIntentLabel(refused, 'HassTurnOn')).toEqual({ intent: 'no_valid_targets', label_source: 'error_code' });
  });

  it('reads gibberish as not understood', () => {
    const gibberish = run('assist-run-gibberish');
    expect(isUnderstood(gibberish)).toBe(false);
    expect(gibberish.intent!.error_code).toBe(haFixture(version, 'assist-run-gibberish').debug_get.events.find((e: { type: string }) => e.type === 'intent-end').data.intent_output.response.data.code);
  });

  it('reads a question answered as understood', () => {
    const query = run('assist-run-query');
    expect(query.intent!.response_type).toBe('query_answer');
    expect(isUnderstood(query)).toBe(true);
  });

  it('waits for a run that has not ended', () => {
    const recorded = haFixture(version, 'assist-run-understood');
    const events = PipelineRunSchema.parse(recorded.debug_get).events.filter((event) => event.type !== 'run-end');
    expect(readAssistRun('r', pipeline, events)).toBeNull();
  });

  it("reads the built-in recogniser's answer: a match names the intent, a miss does not", () => {
    const results = RecogniserDebugSchema.parse(haFixture(version, 'conversation-debug').result).results;
    expect(results[0]).toMatchObject({ intent: { name: 'HassTurnOn' }, match: true });
    expect(results[1]).toMatchObject({ match: false });
  });
});

describe('a pipeline that failed', () => {
  it('reads its error code, and a run without an intent stage as not understood', () => {
    const events = [
      { type: 'run-start', data: { pipeline: 'p', language: 'en' }, timestamp: '2026-11-30T10:00:00.000000+00:00' },
      { type: 'stt-start', data: { engine: 'stt.whisper' }, timestamp: '2026-11-30T10:00:00.100000+00:00' },
      { type: 'error', data: { code: 'stt-no-text-recognized', message: 'No text recognized' }, timestamp: '2026-11-30T10:00:02.000000+00:00' },
    ];
    const run = readAssistRun('r1', { id: 'p', name: 'Voice' }, events)!;
    expect(run.stt).toEqual({ engine: 'stt.whisper', text: null });
    expect(run.pipeline_error).toEqual({ code: 'stt-no-text-recognized', message: 'No text recognized' });
    expect(run.intent).toBeNull();
    expect(isUnderstood(run)).toBe(false);
  });
});
