import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EventMapping } from '../../src/integration/event-mapping.js';
import { EventMappingsSchema } from '../../src/integration/event-mapping.js';
import type { HubEvent } from '../../src/integration/hub-schemas.js';
import { HubEventSchema } from '../../src/integration/hub-schemas.js';
import { interpretEvent } from '../../src/integration/interpret-event.js';
import { HA_FIXTURE_VERSIONS, haFixture } from '../support/ha-fixtures.js';

const shipped = EventMappingsSchema.parse(JSON.parse(readFileSync(new URL('../../config/hub-events.json', import.meta.url), 'utf8')));

function mapping(type: string): EventMapping {
  const found = shipped[type];
  if (!found) throw new Error(`no shipped mapping for ${type}`);
  return found;
}

function event(type: string, data: Record<string, unknown>, context: Partial<HubEvent['context']> = {}): HubEvent {
  return {
    event_type: type,
    data,
    origin: 'LOCAL',
    time_fired: '2026-11-26T10:00:00.000000+00:00',
    context: { id: '01JDCONTEXT0000000000000001', parent_id: null, user_id: null, ...context },
  };
}

describe('interpretEvent with the shipped contract', () => {
  it('reads voice_identified as a voice_recognition prediction of user_id', () => {
    const result = interpretEvent(
      event('voice_identified', { user_id: 'alice', confidence: 0.93, prediction_id: 'v-1', device_id: 'kitchen', audio_length: 2.5, model_version: '2.1' }),
      mapping('voice_identified'),
    );
    expect(result).toEqual({
      kind: 'prediction',
      device_id: 'kitchen',
      input: {
        prediction_id: 'v-1',
        model_name: 'voice_recognition',
        model_version: '2.1',
        input_data: { audio_length: 2.5 },
        prediction: { user_id: 'alice' },
        confidence: 0.93,
        context: {
          hub_event_type: 'voice_identified',
          hub_context_id: '01JDCONTEXT0000000000000001',
          hub_parent_id: null,
          hub_user_id: null,
          device_id: 'kitchen',
        },
        timestamp: '2026-11-26T10:00:00.000Z',
      },
    });
  });

  it('uses the event context id when the event carries no id, and a numeric id as text', () => {
    const noId = interpretEvent(event('intent_recognized', { intent: 'lights_on', confidence: 0.8 }), mapping('intent_recognized'));
    expect(noId.kind === 'prediction' && noId.input.prediction_id).toBe('01JDCONTEXT0000000000000001');
    const numeric = interpretEvent(event('intent_recognized', { intent: 'x', confidence: 0.8, prediction_id: 42 }), mapping('intent_recognized'));
    expect(numeric.kind === 'prediction' && numeric.input.prediction_id).toBe('42');
  });

  it('reads suggestion_created as a prediction that the suggestion will be accepted', () => {
    const result = interpretEvent(event('suggestion_created', { suggestion_id: 's-9', confidence: 0.7 }), mapping('suggestion_created'));
    expect(result.kind === 'prediction' && result.input).toMatchObject({ prediction_id: 's-9', model_name: 'suggestion_engine', prediction: { accepted: true } });
  });

  it('reads ml_prediction with the model and prediction object from the event', () => {
    const result = interpretEvent(
      event('ml_prediction', { model_name: 'pattern_learner', prediction: { pattern_type: 'morning' }, confidence: 0.6, input_data: { device_id: 'lamp' } }),
      mapping('ml_prediction'),
    );
    expect(result.kind === 'prediction' && result.input).toMatchObject({
      model_name: 'pattern_learner',
      prediction: { pattern_type: 'morning' },
      input_data: { input_data: { device_id: 'lamp' } },
    });
  });

  it('reads each feedback type as the label it gives', () => {
    const label = (type: string, data: Record<string, unknown>) => {
      const result = interpretEvent(event(type, data), mapping(type));
      return result.kind === 'feedback' ? result.feedback.label : result;
    };
    expect(label('voice_identification_confirmed', { prediction_id: 'v-1' })).toEqual({ correct: true });
    expect(label('voice_identification_corrected', { prediction_id: 'v-1', user_id: 'bob' })).toEqual({ ground_truth: { user_id: 'bob' } });
    expect(label('intent_confirmed', {})).toEqual({ correct: true });
    expect(label('intent_corrected', { intent: 'lights_off' })).toEqual({ ground_truth: { intent: 'lights_off' } });
    expect(label('suggestion_accepted', { suggestion_id: 's' })).toEqual({ ground_truth: { accepted: true } });
    expect(label('suggestion_rejected', { suggestion_id: 's' })).toEqual({ ground_truth: { accepted: false } });
    expect(label('suggestion_dismissed', { suggestion_id: 's' })).toEqual({ ground_truth: { accepted: false } });
    expect(label('ml_feedback', { model_name: 'm', ground_truth: { room: 'hall' } })).toEqual({ ground_truth: { room: 'hall' } });
    expect(label('ml_feedback', { model_name: 'm', correct: false })).toEqual({ correct: false });
  });

  it('reads a rating (1–5) on ml_feedback, alone or with a label, and refuses one out of range', () => {
    const read = (data: Record<string, unknown>) => interpretEvent(event('ml_feedback', { model_name: 'm', prediction_id: 'p', ...data }), mapping('ml_feedback'));
    expect(read({ rating: 4 })).toMatchObject({ kind: 'feedback', feedback: { label: null, rating: 4 } });
    expect(read({ correct: true, rating: 5 })).toMatchObject({ kind: 'feedback', feedback: { label: { correct: true }, rating: 5 } });
    expect(read({ correct: true })).toMatchObject({ kind: 'feedback', feedback: { rating: null } });
    expect(read({ rating: 6 })).toMatchObject({ kind: 'refused', reason_kind: 'bad_rating' });
    expect(read({ rating: 2.5 })).toMatchObject({ kind: 'refused', reason_kind: 'bad_rating' });
    expect(read({})).toMatchObject({ kind: 'refused', reason_kind: 'missing_ground_truth' });
  });

  it('keeps what matching needs: id, parent context, device, time', () => {
    const result = interpretEvent(
      event('voice_identification_corrected', { user_id: 'bob', device_id: 'hall' }, { id: 'CTX2', parent_id: 'CTX1' }),
      mapping('voice_identification_corrected'),
    );
    expect(result.kind === 'feedback' && result.feedback).toMatchObject({
      model_name: 'voice_recognition',
      prediction_id: null,
      parent_context_id: 'CTX1',
      device_id: 'hall',
      time: '2026-11-26T10:00:00.000Z',
    });
  });

  it('prepares a self-labeled prediction for a suggestion_accepted that may have no suggestion_created', () => {
    const result = interpretEvent(event('suggestion_accepted', { suggestion_id: 's-1', confidence: 0.66 }), mapping('suggestion_accepted'));
    expect(result.kind === 'feedback' && result.feedback.unmatched).toMatchObject({
      prediction_id: 's-1',
      prediction: { accepted: true },
      ground_truth: { accepted: true },
      confidence: 0.66,
    });
  });

  it.each([
    ['voice_identified', { confidence: 0.9 }, 'missing_prediction'],
    ['voice_identified', { user_id: 'a', confidence: 1.5 }, 'bad_confidence'],
    ['voice_identified', { user_id: 'a', confidence: '0.9' }, 'bad_confidence'],
    ['voice_identified', { user_id: 'a' }, 'bad_confidence'],
    ['voice_identified', { user_id: 'a', confidence: 0.9, prediction_id: { x: 1 } }, 'bad_id'],
    ['voice_identified', { user_id: 'a', confidence: 0.9, model_version: ['1'] }, 'bad_version'],
    ['ml_prediction', { model_name: '', prediction: { a: 1 }, confidence: 0.5 }, 'bad_model_name'],
    ['ml_prediction', { model_name: 'm', prediction: 'yes', confidence: 0.5 }, 'missing_prediction'],
    ['voice_identification_corrected', { prediction_id: 'v' }, 'missing_ground_truth'],
    ['ml_feedback', { model_name: 'm', correct: 'yes' }, 'missing_ground_truth'],
  ])('refuses %s with %j (%s)', (type, data, kind) => {
    const result = interpretEvent(event(type, data), mapping(type));
    expect(result).toMatchObject({ kind: 'refused', reason_kind: kind });
  });

  it('reads only own fields: __proto__ and constructor paths find nothing', () => {
    const data = JSON.parse('{"__proto__": {"user_id": "evil"}, "confidence": 0.5}') as Record<string, unknown>;
    const result = interpretEvent(event('voice_identified', data), mapping('voice_identified'));
    expect(result).toMatchObject({ kind: 'refused', reason_kind: 'missing_prediction' });
  });
});

describe('EventMappingsSchema', () => {
  it('accepts the shipped contract: four prediction and eight feedback event types', () => {
    const kinds = Object.values(shipped).map((entry) => entry?.kind);
    expect(kinds.filter((kind) => kind === 'prediction')).toHaveLength(4);
    expect(kinds.filter((kind) => kind === 'feedback')).toHaveLength(8);
  });

  it('names the field of a bad mapping', () => {
    const result = EventMappingsSchema.safeParse({ my_event: { kind: 'prediction', model_name: 'm', prediction: { key: 'x' }, confidence_path: 'c' } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path.slice(0, 2)).toEqual(['my_event', 'prediction']);
    const both = EventMappingsSchema.safeParse({ e: { kind: 'feedback', model_name: 'm', model_name_path: 'n', truth: { confirm: true } } });
    expect(both.error?.issues[0]?.message).toBe('give either model_name or model_name_path');
  });
});

describe.each(HA_FIXTURE_VERSIONS)('interpretEvent on events recorded from Home Assistant %s', (version) => {
  const recorded: HubEvent[] = haFixture(version, 'bus-events').events.map((raw: unknown) => HubEventSchema.parse(raw));
  const of = (type: string) => recorded.find((each) => each.event_type === type)!;

  it('reads a voice_identified fired over the websocket as a prediction carrying its hub context', () => {
    const voice = of('voice_identified');
    const result = interpretEvent(voice, mapping('voice_identified'));
    expect(result).toMatchObject({
      kind: 'prediction',
      device_id: 'kitchen_satellite',
      input: {
        prediction_id: voice.context.id,
        model_name: 'voice_recognition',
        model_version: '2.1',
        prediction: { user_id: 'alice' },
        confidence: 0.91,
        context: { hub_event_type: 'voice_identified', hub_context_id: voice.context.id, hub_user_id: voice.context.user_id, device_id: 'kitchen_satellite' },
      },
    });
  });

  it("reads the automation's confirmation as feedback whose parent is the prediction's context", () => {
    const confirmation = of('voice_identification_confirmed');
    const result = interpretEvent(confirmation, mapping('voice_identification_confirmed'));
    expect(result).toMatchObject({ kind: 'feedback', feedback: { label: { correct: true }, prediction_id: null, parent_context_id: of('voice_identified').context.id } });
  });

  it('reads ml_feedback with its rating', () => {
    const result = interpretEvent(of('ml_feedback'), mapping('ml_feedback'));
    expect(result).toMatchObject({ kind: 'feedback', feedback: { model_name: 'suggestion_engine', prediction_id: 'suggestion-1', label: { correct: true }, rating: 4 } });
  });
});
