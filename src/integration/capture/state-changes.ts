import type { HubContext, HubEvent } from '../hub-schemas.js';
import { StateChangedDataSchema } from './hub-payloads.js';

/** One `state_changed`, reduced to what the undo rules read. */
export interface StateChange {
  entity_id: string;
  /** The state before and after; null when the entity was created or removed. */
  from: string | null;
  to: string | null;
  /** When Home Assistant fired it (ISO 8601). */
  at: string;
  context: HubContext;
}

/** A `state_changed` event as a StateChange; null when its data does not validate or only attributes changed. */
export function toStateChange(event: HubEvent): StateChange | null {
  const data = StateChangedDataSchema.safeParse(event.data);
  if (!data.success) return null;
  const from = data.data.old_state?.state ?? null;
  const to = data.data.new_state?.state ?? null;
  if (from === to) return null;
  return { entity_id: data.data.entity_id, from, to, at: event.time_fired, context: event.context };
}

/**
 * The recent state changes of the home, newest last, kept for `keepMs` of Home Assistant time
 * and at most `maxChanges` (the oldest go first): what the undo rules look back over. No I/O.
 */
export class StateChangeBuffer {
  readonly #changes: StateChange[] = [];

  constructor(
    private readonly keepMs: number,
    private readonly maxChanges = 20_000,
  ) {}

  add(change: StateChange): void {
    this.#changes.push(change);
    const newest = Date.parse(change.at);
    let drop = Math.max(0, this.#changes.length - this.maxChanges);
    while (drop < this.#changes.length && Date.parse(this.#changes[drop]!.at) < newest - this.keepMs) drop += 1;
    if (drop > 0) this.#changes.splice(0, drop);
  }

  /** Changes of these entities, in order. */
  of(entityIds: ReadonlySet<string>): StateChange[] {
    return this.#changes.filter((change) => entityIds.has(change.entity_id));
  }

  /** Changes made in this context (an automation run's own actions), in order. */
  inContext(contextId: string): StateChange[] {
    return this.#changes.filter((change) => change.context.id === contextId);
  }

  get size(): number {
    return this.#changes.length;
  }
}
