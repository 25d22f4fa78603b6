import { describe, expect, it } from 'vitest';
import { captureContextOf, readCaptureContext } from '../../src/integration/capture-context.js';
import type { HubEvent } from '../../src/integration/hub-schemas.js';

const event: HubEvent = {
  event_type: 'voice_identified',
  data: {},
  origin: 'LOCAL',
  time_fired: '2026-11-26T10:00:00.000000+00:00',
  context: { id: 'CTX1', parent_id: 'CTX0', user_id: null },
};

describe('the capture context of a stored prediction', () => {
  it('is written with the stored keys in their order, device_id only when there is one', () => {
    expect(JSON.stringify(captureContextOf(event, 'kitchen'))).toBe(
      '{"hub_event_type":"voice_identified","hub_context_id":"CTX1","hub_parent_id":"CTX0","hub_user_id":null,"device_id":"kitchen"}',
    );
    expect(captureContextOf(event, null)).not.toHaveProperty('device_id');
  });

  it('reads back what the capture wrote', () => {
    expect(readCaptureContext(captureContextOf(event, 'kitchen'))).toEqual({ hub_context_id: 'CTX1', device_id: 'kitchen' });
  });

  it('reads a missing or mistyped key of a context the capture did not write as absent, keeping the others', () => {
    expect(readCaptureContext({ device_id: 'kitchen', note: 'logged over REST' })).toEqual({ hub_context_id: undefined, device_id: 'kitchen' });
    expect(readCaptureContext({ hub_context_id: 42, device_id: 'hall' })).toEqual({ hub_context_id: undefined, device_id: 'hall' });
    expect(readCaptureContext({})).toEqual({ hub_context_id: undefined, device_id: undefined });
  });
});
