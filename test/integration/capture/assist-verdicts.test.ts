import { describe, expect, it } from 'vitest';
import type { AssistRun } from '../../../src/integration/capture/assist-run.js';
import type { RunAftermath } from '../../../src/integration/capture/assist-verdicts.js';
import { intentVerdict, isSettled, sttVerdict } from '../../../src/integration/capture/assist-verdicts.js';
import { findRephrase } from '../../../src/integration/capture/rephrase.js';

function run(overrides: Partial<AssistRun> = {}, intent: Partial<NonNullable<AssistRun['intent']>> = {}): AssistRun {
  return {
    run_id: 'r1',
    pipeline_id: 'p',
    pipeline_name: 'Voice',
    started_at: '2026-11-30T10:00:00.000Z',
    ended_at: '2026-11-30T10:00:02.000Z',
    language: 'en',
    device_id: 'satellite-1',
    conversation_id: null,
    stt: { engine: 'stt.whisper', text: 'turn on the lamp' },
    intent: { engine: 'homeassistant', text: 'turn on the lamp', started_at: '2026-11-30T10:00:01.000Z', ended_at: '2026-11-30T10:00:02.000Z', response_type: 'action_done', error_code: null, targets: ['light.lamp'], ...intent },
    pipeline_error: null,
    ...overrides,
  };
}

const after = (overrides: Partial<RunAftermath> = {}): RunAftermath => ({ undone: false, rephrased: false, undoWindowPassed: false, rephraseWindowPassed: false, ...overrides });
const notUnderstood = run({}, { response_type: 'error', error_code: 'no_intent_match', targets: [] });

describe('assist_intent verdicts', () => {
  it('an error response is wrong at once', () => {
    expect(intentVerdict(notUnderstood, after())).toEqual({ correct: false, source: 'native_error' });
  });
  it('an understood command is undecided until the undo window passes, then right', () => {
    expect(intentVerdict(run(), after())).toBeNull();
    expect(intentVerdict(run(), after({ undoWindowPassed: true }))).toEqual({ correct: true, source: 'native_kept' });
  });
  it('an undone command is wrong', () => {
    expect(intentVerdict(run(), after({ undone: true }))).toEqual({ correct: false, source: 'native_undo' });
  });
  it('a pipeline error at the intent stage is wrong', () => {
    expect(intentVerdict(run({ pipeline_error: { code: 'intent-failed', message: '' } }, { response_type: null }), after())).toEqual({ correct: false, source: 'native_error' });
  });
});

describe('assist_stt verdicts', () => {
  it('no text recognised is wrong at once', () => {
    expect(sttVerdict(run({ intent: null, pipeline_error: { code: 'stt-no-text-recognized', message: '' } }), after())).toEqual({ correct: false, source: 'native_error' });
  });
  it('a run not understood and asked again is wrong; not asked again says nothing', () => {
    expect(sttVerdict(notUnderstood, after({ rephrased: true }))).toEqual({ correct: false, source: 'native_rephrase' });
    expect(sttVerdict(notUnderstood, after({ rephraseWindowPassed: true, undoWindowPassed: true }))).toBeNull();
  });
  it('an understood command left alone is right; one undone says nothing about the words', () => {
    expect(sttVerdict(run(), after({ undoWindowPassed: true }))).toEqual({ correct: true, source: 'native_kept' });
    expect(sttVerdict(run(), after({ undone: true, undoWindowPassed: true }))).toBeNull();
  });
  it('is settled once both windows have passed (or the rephrase came)', () => {
    expect(isSettled(notUnderstood, after({ undoWindowPassed: true }))).toBe(false);
    expect(isSettled(notUnderstood, after({ undoWindowPassed: true, rephraseWindowPassed: true }))).toBe(true);
    expect(isSettled(run(), after({ undoWindowPassed: true }))).toBe(true);
  });
});

describe('rephrase', () => {
  const again = (overrides: Partial<AssistRun>) => run({ run_id: 'r2', started_at: '2026-11-30T10:00:10.000Z', ended_at: '2026-11-30T10:00:12.000Z', ...overrides });

  it('is a later run from the same device within the window', () => {
    expect(findRephrase(notUnderstood, [again({})], 20)?.run_id).toBe('r2');
  });
  it('is a later run in the same conversation', () => {
    const typed = run({ device_id: null, conversation_id: 'c1' });
    expect(findRephrase(typed, [again({ device_id: null, conversation_id: 'c1' })], 20)?.run_id).toBe('r2');
  });
  it('is not a run from elsewhere, too late, earlier, or one with neither device nor conversation', () => {
    expect(findRephrase(notUnderstood, [again({ device_id: 'kitchen' })], 20)).toBeNull();
    expect(findRephrase(notUnderstood, [again({ started_at: '2026-11-30T10:00:30.000Z' })], 20)).toBeNull();
    expect(findRephrase(notUnderstood, [again({ started_at: '2026-11-30T09:59:00.000Z' })], 20)).toBeNull();
    expect(findRephrase(run({ device_id: null }), [again({ device_id: null })], 20)).toBeNull();
  });
});
