import { z } from 'zod';

/** Who caused something on the hub; `parent_id` ties a reaction to what triggered it. */
const HubContextSchema = z.object({
  id: z.string().min(1),
  parent_id: z.string().nullable(),
  user_id: z.string().nullable(),
});
export type HubContext = z.infer<typeof HubContextSchema>;

/** An event from the bus, as delivered to a `subscribe_events` subscription. */
export const HubEventSchema = z.object({
  event_type: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
  origin: z.string(),
  time_fired: z.string(),
  context: HubContextSchema,
});
export type HubEvent = z.infer<typeof HubEventSchema>;

/** A state object as `POST /api/states/<entity_id>` answers it. */
export const HubStateSchema = z.object({
  entity_id: z.string(),
  state: z.string(),
  attributes: z.record(z.string(), z.unknown()),
  last_changed: z.string(),
  last_updated: z.string(),
  context: HubContextSchema,
});
export type HubState = z.infer<typeof HubStateSchema>;

/** Result of `fire_event`. */
export const FireEventResultSchema = z.object({ context: HubContextSchema });

/** Attributes are sent as JSON; values that JSON cannot hold are dropped by JSON.stringify. */
export type HubAttributes = Record<string, unknown>;
