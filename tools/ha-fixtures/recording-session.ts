/**
 * What every scenario of the fixture recorder works with: the websocket (subscribed to
 * state_changed and automation_triggered, so `socket.events` is the bus in arrival order), the
 * REST client, and the writer.
 */
import type { HaRest } from '../../test/ha/support/ha-rest.js';
import { waitUntil } from '../../test/ha/support/ha-rest.js';
import type { HaEvent, HaTestSocket } from '../../test/ha/support/ha-websocket.js';
import type { FixtureWriter } from './fixture-writer.js';

export interface RecordingSession {
  socket: HaTestSocket;
  rest: HaRest;
  writer: FixtureWriter;
  haVersion: string;
  /** The owner's access token (scrubbed from every fixture). */
  token: string;
}

/** Bus events the session is subscribed to. */
export const RECORDED_EVENT_TYPES = ['state_changed', 'automation_triggered'] as const;

/** Events received after `mark` (an index into `socket.events`) that concern one of `entityIds`. */
export function eventsSince(socket: HaTestSocket, mark: number, entityIds: readonly string[]): HaEvent[] {
  return socket.events.slice(mark).filter((event) => entityIds.includes(String(event.data['entity_id'])));
}

/** Waits until a state_changed to `state` for `entityId` has arrived after `mark`; resolves with it. */
export function stateChangedTo(socket: HaTestSocket, mark: number, entityId: string, state: string): Promise<HaEvent> {
  return waitUntil(
    async () =>
      socket.events
        .slice(mark)
        .find(
          (event) =>
            event.event_type === 'state_changed' &&
            event.data['entity_id'] === entityId &&
            (event.data['new_state'] as { state?: string } | null)?.state === state,
        ),
    15_000,
    `a state_changed of ${entityId} to ${state}`,
  );
}

/** Lets the bus settle, so events that follow an action (automation entity updates) are in. */
export function settle(ms = 500): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
