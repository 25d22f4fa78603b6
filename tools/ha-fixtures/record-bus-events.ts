/**
 * The add-on's own event contract on a real bus: a `voice_identified` fired over the websocket
 * (as an integration or a script would), and the `voice_identification_confirmed` that the test
 * configuration's automation fires in reply, in a context whose parent is the prediction's.
 */
import { waitUntil } from '../../test/ha/support/ha-rest.js';
import type { RecordingSession } from './recording-session.js';

export const BUS_EVENT_TYPES = ['voice_identified', 'voice_identification_confirmed', 'ml_feedback'] as const;

export async function recordBusEvents(session: RecordingSession): Promise<void> {
  const { socket, writer } = session;
  const mark = socket.events.length;
  await socket.command({
    type: 'fire_event',
    event_type: 'voice_identified',
    event_data: { user_id: 'alice', confidence: 0.91, device_id: 'kitchen_satellite', model_version: '2.1', audio_length: 2.5, sample_rate: 16000, confirm_by_context: true },
  });
  await socket.command({ type: 'fire_event', event_type: 'ml_feedback', event_data: { model_name: 'suggestion_engine', prediction_id: 'suggestion-1', correct: true, rating: 4 } });
  const events = await waitUntil(
    async () => {
      const seen = socket.events.slice(mark).filter((event) => (BUS_EVENT_TYPES as readonly string[]).includes(event.event_type));
      return seen.some((event) => event.event_type === 'voice_identification_confirmed') && seen.length >= 3 ? seen : undefined;
    },
    15_000,
    'voice_identified, ml_feedback and the confirmation by context',
  );
  await writer.write('bus-events', {
    note: 'voice_identified and ml_feedback fired over the websocket; voice_identification_confirmed fired by the automation test_confirm_voice_by_context in reply (its context.parent_id is the voice_identified context id).',
    events,
  });
}
