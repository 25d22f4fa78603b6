import type { AssistRun } from './assist-run.js';

/**
 * The run that rephrases `run`: a later run from the same device or in the same conversation
 * that started within `rephraseSeconds` of `run`'s end. Typed text with neither a device nor a
 * conversation id (Home Assistant 2024.3's text runs) cannot be tied to an earlier run. Pure.
 */
export function findRephrase(run: AssistRun, others: readonly AssistRun[], rephraseSeconds: number): AssistRun | null {
  const end = Date.parse(run.ended_at);
  for (const other of others) {
    if (other.run_id === run.run_id) continue;
    const sameDevice = run.device_id !== null && other.device_id === run.device_id;
    const sameConversation = run.conversation_id !== null && other.conversation_id === run.conversation_id;
    if (!sameDevice && !sameConversation) continue;
    const start = Date.parse(other.started_at);
    if (start >= end && start - end <= rephraseSeconds * 1000) return other;
  }
  return null;
}
