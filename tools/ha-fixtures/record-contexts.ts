/**
 * Who did it: the users Home Assistant knows (`config/auth/list`, system-generated ones included),
 * and the context of a state written through the REST API (the nearest a core install gets to a
 * change nobody asked for over the websocket: it still carries the token's user).
 */
import { stateChangedTo, type RecordingSession } from './recording-session.js';

/** A sensor posted with `POST /api/states/<entity_id>`; it exists only in the state machine. */
export const REST_POSTED_ENTITY = 'sensor.test_rest_posted';

export async function recordContexts(session: RecordingSession): Promise<void> {
  const { socket, rest, writer } = session;
  await writer.write('auth-list', await socket.command({ type: 'config/auth/list' }));

  const mark = socket.events.length;
  const response = await fetch(`${rest.baseUrl}/api/states/${REST_POSTED_ENTITY}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ state: '21.5', attributes: { unit_of_measurement: '°C', friendly_name: 'test rest posted' } }),
  });
  const body = (await response.json()) as unknown;
  const changed = await stateChangedTo(socket, mark, REST_POSTED_ENTITY, '21.5');
  await writer.write('state-posted-by-rest', {
    note: 'POST /api/states: not a physical change. Its context carries the token user\'s user_id; a core install with no device cannot produce a change with no user and no parent.',
    status: response.status,
    response: body,
    state_changed: changed,
  });
}
