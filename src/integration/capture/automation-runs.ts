import { NATIVE_MODELS } from '../../domain/native-models.js';
import { captureContextOf } from '../capture-context.js';
import type { HubContext, HubEvent } from '../hub-schemas.js';
import { actorOf } from './actors.js';
import type { NativeVerdict } from './assist-verdicts.js';
import { AutomationTriggeredDataSchema, TraceContextsSchema, TraceListSchema } from './hub-payloads.js';
import type { NativeCaptureConfig } from './native-config.js';
import type { NativeSourceOptions } from './native-ports.js';
import { labelOnce, storeOnce } from './native-records.js';
import { Timers } from './timers.js';
import { findUndo } from './undo.js';

/** When the run's trace is first read: most runs have finished by then. */
const TRACE_CHECK_MS = 3000;

export type AutomationRunCaptureOptions = NativeSourceOptions<Pick<NativeCaptureConfig, 'undo_seconds'>>;

/** A triggered run: its context (every action of the run carries it) and when it fired. */
interface Run {
  predictionId: string;
  automation: string;
  context: HubContext;
  firedAt: string;
}

export const automationRunId = (contextId: string) => `${NATIVE_MODELS.automations}:${contextId}`;

/** What the run's trace says: `error` when it ended in one, `running` while it runs, `done` otherwise, `unknown` when no trace is kept. */
export type TraceOutcome = 'error' | 'running' | 'done' | 'unknown';

/** Reads a run's outcome from `trace/list` entries (pure). */
export function traceOutcome(traces: unknown, runId: string): TraceOutcome {
  const parsed = TraceListSchema.safeParse(traces);
  if (!parsed.success) return 'unknown';
  const trace = parsed.data.find((entry) => entry.run_id === runId);
  if (!trace) return 'unknown';
  if (trace.script_execution === 'error' || (trace.error !== undefined && trace.error !== null && trace.error !== '')) return 'error';
  return trace.state === 'running' ? 'running' : 'done';
}

/**
 * Captures every automation run as a prediction that its actions are wanted
 * (`automations`, `{"kept": true}`, `context.automation` naming the automation). It is wrong when
 * the run ends in an error (its trace) or when a person, or a physical change, sets back an
 * entity the run changed within `undo_seconds`; right once `undo_seconds` pass otherwise.
 */
export class AutomationRunCapture {
  readonly #options: AutomationRunCaptureOptions;
  readonly #timers: Timers;
  #unsubscribe: (() => Promise<void>) | null = null;

  constructor(options: AutomationRunCaptureOptions) {
    this.#options = options;
    this.#timers = new Timers(options.logger);
  }

  async start(): Promise<void> {
    if (this.#unsubscribe) return;
    this.#unsubscribe = await this.#options.hub.subscribeEvents(['automation_triggered'], (event) => this.#triggered(event));
  }

  async stop(): Promise<void> {
    this.#timers.clear();
    const unsubscribe = this.#unsubscribe;
    this.#unsubscribe = null;
    await unsubscribe?.();
  }

  async #triggered(event: HubEvent): Promise<void> {
    const data = AutomationTriggeredDataSchema.safeParse(event.data);
    if (!data.success) {
      this.#options.logger.warn('ignored an automation_triggered event without an entity_id');
      return;
    }
    const run: Run = { predictionId: automationRunId(event.context.id), automation: data.data.entity_id, context: event.context, firedAt: event.time_fired };
    const stored = await storeOnce(this.#options.tracker, {
      prediction_id: run.predictionId,
      model_name: NATIVE_MODELS.automations,
      input_data: { automation: run.automation, name: data.data.name ?? null, trigger: data.data.source ?? null },
      prediction: { kept: true },
      context: { automation: run.automation, ...captureContextOf(event, null) },
      timestamp: run.firedAt,
    });
    if (!stored) return;
    const dueMs = Date.parse(run.firedAt) + this.#options.settings.undo_seconds * 1000 - this.#options.now().getTime();
    // The trace is read once early (an error is labeled at once); only a run not decided then is decided when the window ends.
    this.#timers.after(Math.min(TRACE_CHECK_MS, dueMs), 'reading an automation trace', async () => {
      if (await this.#check(run, false)) return;
      this.#timers.after(dueMs - TRACE_CHECK_MS, 'deciding an automation run', async () => {
        await this.#check(run, true);
      });
    });
  }

  /** Labels the run when its outcome is known: an error at once; undone or kept when the window is over (`final`). True when labeled. */
  async #check(run: Run, final: boolean): Promise<boolean> {
    const { tracker, logger } = this.#options;
    const verdict = (await this.#traceOutcome(run)) === 'error' ? errorVerdict : final ? this.#undoVerdict(run) : null;
    if (!verdict) return false;
    await labelOnce(tracker, run.predictionId, verdict, logger, { kept: verdict.correct });
    if (!verdict.correct) logger.info(`${run.automation}: run counted as not wanted`, { reason: verdict.source });
    return true;
  }

  async #traceOutcome(run: Run): Promise<TraceOutcome> {
    const { hub } = this.#options;
    try {
      // `trace/contexts` takes a domain only together with an item id (which the event does not name): ask for all.
      const contexts = TraceContextsSchema.parse(await hub.command({ type: 'trace/contexts' }));
      const traced = contexts[run.context.id];
      if (!traced || traced.domain !== 'automation') return 'unknown';
      return traceOutcome(await hub.command({ type: 'trace/list', domain: 'automation', item_id: traced.item_id }), traced.run_id);
    } catch (error) {
      this.#options.logger.debug('could not read automation traces', { error });
      return 'unknown';
    }
  }

  #undoVerdict(run: Run): NativeVerdict {
    const { watch, systemUsers, settings } = this.#options;
    const own = watch.changes.inContext(run.context.id);
    const before = new Map<string, string | null>();
    for (const change of own) if (!before.has(change.entity_id) && !change.entity_id.startsWith('automation.')) before.set(change.entity_id, change.from);
    if (before.size === 0) return keptVerdict;
    const until = new Date(Date.parse(run.firedAt) + settings.undo_seconds * 1000).toISOString();
    const undo = findUndo(
      watch.changes.of(new Set(before.keys())),
      { before, ownContexts: new Set([run.context.id]), from: own[0]!.at, until },
      (context) => {
        const actor = actorOf(context, systemUsers.ids);
        return actor === 'person' || actor === 'device';
      },
    );
    return undo ? { correct: false, source: 'native_undo' } : keptVerdict;
  }
}

const errorVerdict: NativeVerdict = { correct: false, source: 'native_error' };
const keptVerdict: NativeVerdict = { correct: true, source: 'native_kept' };
