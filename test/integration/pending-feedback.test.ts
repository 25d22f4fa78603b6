import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CapturedFeedback } from '../../src/integration/captured-feedback.js';
import { PendingFeedback } from '../../src/integration/pending-feedback.js';

function feedback(prediction_id: string): CapturedFeedback {
  return {
    event_type: 'suggestion_rejected',
    model_name: 'suggestion_engine',
    prediction_id,
    parent_context_id: null,
    device_id: null,
    time: '2026-11-26T10:00:00.000Z',
    label: { ground_truth: { accepted: false } },
    rating: null,
  };
}

function prediction(prediction_id: string) {
  return { prediction_id, model_name: 'suggestion_engine', context_id: `ctx-${prediction_id}`, device_id: null };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('PendingFeedback', () => {
  it('hands feedback back when its wait runs out', () => {
    vi.useFakeTimers();
    const timedOut: string[] = [];
    const pending = new PendingFeedback({ max: 10, waitMs: 1000, onTimeout: (f) => timedOut.push(f.prediction_id!), onPushedOut: () => {} });
    pending.add(feedback('s1'));
    vi.advanceTimersByTime(999);
    expect(timedOut).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(timedOut).toEqual(['s1']);
    expect(pending.size).toBe(0);
  });

  it('pushes out the oldest when full', () => {
    const pushedOut: string[] = [];
    const pending = new PendingFeedback({ max: 2, waitMs: 60_000, onTimeout: () => {}, onPushedOut: (f) => pushedOut.push(f.prediction_id!) });
    for (const id of ['s1', 's2', 's3']) pending.add(feedback(id));
    expect(pushedOut).toEqual(['s1']);
    expect(pending.size).toBe(2);
    pending.clear();
  });

  it('takes out the feedback a prediction answers, and its timer with it', () => {
    vi.useFakeTimers();
    const timedOut: string[] = [];
    const pending = new PendingFeedback({ max: 10, waitMs: 1000, onTimeout: (f) => timedOut.push(f.prediction_id!), onPushedOut: () => {} });
    pending.add(feedback('s1'));
    pending.add(feedback('s2'));
    expect([...pending.answering(prediction('s2'))]).toEqual([{ feedback: feedback('s2'), source: 'event_id' }]);
    expect(pending.size).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(timedOut).toEqual(['s1']);
  });
});
