import { describe, expect, it } from 'vitest';
import type { CapturedFeedback } from '../../src/integration/captured-feedback.js';
import { matchWaitingFeedback } from '../../src/integration/match-feedback.js';
import type { RecentPrediction } from '../../src/integration/recent-predictions.js';

const prediction: RecentPrediction = { prediction_id: 'v1', model_name: 'voice_recognition', context_id: 'CTX1', device_id: 'kitchen' };

function feedback(fields: Partial<CapturedFeedback>): CapturedFeedback {
  return {
    event_type: 'voice_identification_confirmed',
    model_name: 'voice_recognition',
    prediction_id: null,
    parent_context_id: null,
    device_id: null,
    time: '2026-11-26T10:00:00.000Z',
    label: { correct: true },
    rating: null,
    ...fields,
  };
}

describe('matchWaitingFeedback', () => {
  it('matches by id, else by context chain, else by device', () => {
    expect(matchWaitingFeedback(feedback({ prediction_id: 'v1', parent_context_id: 'CTX1' }), prediction)).toBe('event_id');
    expect(matchWaitingFeedback(feedback({ parent_context_id: 'CTX1', device_id: 'kitchen' }), prediction)).toBe('event_context');
    expect(matchWaitingFeedback(feedback({ parent_context_id: 'other', device_id: 'kitchen' }), prediction)).toBe('event_window');
  });

  it('does not fall back to context or device when the feedback names another id, or another model', () => {
    expect(matchWaitingFeedback(feedback({ prediction_id: 'v2', parent_context_id: 'CTX1', device_id: 'kitchen' }), prediction)).toBeNull();
    expect(matchWaitingFeedback(feedback({ model_name: 'intent_processing', prediction_id: 'v1' }), prediction)).toBeNull();
    expect(matchWaitingFeedback(feedback({ device_id: 'hall' }), prediction)).toBeNull();
    expect(matchWaitingFeedback(feedback({}), { ...prediction, device_id: null })).toBeNull();
  });
});
