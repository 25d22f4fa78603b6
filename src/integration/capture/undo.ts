import type { HubContext } from '../hub-schemas.js';
import type { StateChange } from './state-changes.js';

/** What a run changed, and when a change back counts as undoing it. */
export interface UndoSubject {
  /** Entity → the state it had before the run changed it. */
  before: ReadonlyMap<string, string | null>;
  /** The contexts of the run's own changes: a change in one of them, or in a child of one, is the run's doing. */
  ownContexts: ReadonlySet<string>;
  /** The window (Home Assistant time, ISO 8601): after the run's change, up to `undo_seconds` later. */
  from: string;
  until: string;
}

/**
 * The first change that undoes the run: an entity the run changed set back to the state it had
 * before, within the window, in a context that is not the run's own nor a child of it, by an
 * actor `counts` accepts (a person, a device…). Null when nothing undid it. Pure.
 */
export function findUndo(changes: readonly StateChange[], subject: UndoSubject, counts: (context: HubContext) => boolean): StateChange | null {
  const from = Date.parse(subject.from);
  const until = Date.parse(subject.until);
  // Changes come in the order Home Assistant fired them; two may share a millisecond, so what
  // counts is coming after the run's own change, not a later timestamp.
  let afterOwn = !changes.some((change) => subject.ownContexts.has(change.context.id));
  for (const change of changes) {
    if (subject.ownContexts.has(change.context.id)) {
      afterOwn = true;
      continue;
    }
    if (!afterOwn || !subject.before.has(change.entity_id)) continue;
    const at = Date.parse(change.at);
    if (at < from || at > until) continue;
    if (change.context.parent_id !== null && subject.ownContexts.has(change.context.parent_id)) continue;
    if (change.to !== subject.before.get(change.entity_id)) continue;
    if (counts(change.context)) return change;
  }
  return null;
}

/**
 * The run's own changes among `changes`: for each target entity, its first change within
 * [`from`, `until`] (the run's own time). Gives the states before and the contexts of those
 * changes. A target the run did not change (it was already in that state) has no entry.
 */
export function ownChanges(
  changes: readonly StateChange[],
  targets: readonly string[],
  from: string,
  until: string,
): { before: Map<string, string | null>; ownContexts: Set<string>; lastAt: string | null } {
  const start = Date.parse(from);
  const end = Date.parse(until);
  const before = new Map<string, string | null>();
  const ownContexts = new Set<string>();
  let lastAt: string | null = null;
  for (const change of changes) {
    // A run acts on entities that exist: a change from nothing is the entity's creation.
    if (!targets.includes(change.entity_id) || before.has(change.entity_id) || change.from === null) continue;
    const at = Date.parse(change.at);
    if (at < start || at > end) continue;
    before.set(change.entity_id, change.from);
    ownContexts.add(change.context.id);
    if (lastAt === null || at > Date.parse(lastAt)) lastAt = change.at;
  }
  return { before, ownContexts, lastAt };
}
