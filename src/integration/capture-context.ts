import { z } from 'zod';
import type { JsonObject } from '../domain/json.js';
import type { HubEvent } from './hub-schemas.js';

/**
 * The hub identity a captured prediction keeps in its stored `context`: which event it came from,
 * that event's context chain, and the device named in it. The keys and their order are the
 * stored layout; feedback is matched against them later.
 */
export const CaptureContextSchema = z.object({
  hub_event_type: z.string(),
  /** The prediction event's context.id: feedback caused by it names it as its parent. */
  hub_context_id: z.string(),
  hub_parent_id: z.string().nullable(),
  hub_user_id: z.string().nullable(),
  device_id: z.string().optional(),
});
type CaptureContext = z.infer<typeof CaptureContextSchema>;

/** The capture context of a prediction read from `event`. */
export function captureContextOf(event: HubEvent, deviceId: string | null): CaptureContext {
  return {
    hub_event_type: event.event_type,
    hub_context_id: event.context.id,
    hub_parent_id: event.context.parent_id,
    hub_user_id: event.context.user_id,
    ...(deviceId !== null ? { device_id: deviceId } : {}),
  };
}

/**
 * The keys matching reads back from a stored record's context. A stored prediction need not come
 * from the capture (one logged over REST carries any context it was given), so a key that is
 * missing or not of its type reads as absent instead of failing the whole record.
 */
const StoredCaptureContextSchema = z.object({
  hub_context_id: CaptureContextSchema.shape.hub_context_id.optional().catch(undefined),
  device_id: CaptureContextSchema.shape.device_id.catch(undefined),
});

/** What matching needs from a stored record's `context`. */
export function readCaptureContext(context: JsonObject): z.infer<typeof StoredCaptureContextSchema> {
  return StoredCaptureContextSchema.parse(context);
}
