/**
 * What the sensors need from the hub. The integration's HubConnection implements it; tests hand
 * in a recording object. Both calls reject when the hub did not accept the request.
 *
 * The results are typed `Promise<unknown>` (not `Promise<void>`): the publisher only awaits them,
 * and HubConnection's calls resolve to the posted state and the event's context.
 */
export interface HubPort {
  /** `POST /api/states/<entity_id>`: creates or replaces the entity's state. */
  postState(entityId: string, state: string, attributes: Record<string, unknown>): Promise<unknown>;
  /** Fires an event on the hub's bus. */
  fireEvent(eventType: string, data: Record<string, unknown>): Promise<unknown>;
}
