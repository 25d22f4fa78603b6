import type { Logger } from '../logging/logger.js';
import { HubEventSchema, type HubEvent } from './hub-schemas.js';

/**
 * Validates an event the hub client delivered and hands it to the handler; a malformed event and
 * a failing handler are logged, never thrown (one bad event never stops the service).
 */
export function deliverEvent(eventType: string, raw: unknown, handler: (event: HubEvent) => void | Promise<void>, logger: Logger): void {
  const parsed = HubEventSchema.safeParse(raw);
  if (!parsed.success) {
    logger.warn('dropped a malformed event', { event_type: eventType, error: parsed.error.issues[0]?.message });
    return;
  }
  const fail = (error: unknown): void => logger.error('an event handler failed', { event_type: eventType, error });
  try {
    const result = handler(parsed.data);
    if (result instanceof Promise) result.catch(fail);
  } catch (error) {
    fail(error);
  }
}
