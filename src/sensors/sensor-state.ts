/** One entity's state as posted to the hub. */
export interface SensorState {
  entity_id: string;
  state: string;
  attributes: Record<string, unknown>;
}
