import { NATIVE_MODELS } from '../../domain/native-models.js';
import { HubCommandError } from '../errors.js';
import { actorOf } from './actors.js';
import type { AssistRun } from './assist-run.js';
import { assistIntentLabel, isBuiltInAgent, isUnderstood, readAssistRun } from './assist-run.js';
import type { RunAftermath } from './assist-verdicts.js';
import { intentVerdict, isSettled, sttVerdict } from './assist-verdicts.js';
import type { Pipeline } from './hub-payloads.js';
import { PipelineListSchema, PipelineRunListSchema, PipelineRunSchema, RecogniserDebugSchema } from './hub-payloads.js';
import type { NativeCaptureConfig } from './native-config.js';
import type { NativeSourceOptions } from './native-ports.js';
import { labelOnce, storeOnce } from './native-records.js';
import { findRephrase } from './rephrase.js';
import type { StateChange } from './state-changes.js';
import { Timers } from './timers.js';
import { findUndo, ownChanges } from './undo.js';

/** Entities whose change hints that a voice run just happened: poll at once rather than wait. */
const ASSIST_HINT = /^(stt|wake_word|conversation|assist_satellite)\.|^binary_sensor\..*assist_in_progress/;

/** How long after the intent stage ends a target's change still counts as the run's own. */
const OWN_CHANGE_SLACK_MS = 2000;

export type AssistRunCaptureOptions = NativeSourceOptions<
  Pick<NativeCaptureConfig, 'assist' | 'stt' | 'undo_seconds' | 'rephrase_seconds' | 'assist_poll_seconds'>
>;

/** A captured run whose labels are not all decided yet. */
interface OpenRun {
  run: AssistRun;
  intentId: string | null;
  sttId: string | null;
}

export const assistIntentId = (runId: string) => `${NATIVE_MODELS.assistIntent}:${runId}`;
export const assistSttId = (runId: string) => `${NATIVE_MODELS.assistStt}:${runId}`;

/**
 * Captures Assist pipeline runs (typed or spoken) as `assist_intent` and `assist_stt`
 * predictions. Home Assistant keeps the newest 10 runs per pipeline in memory and announces none
 * of them, so this polls `assist_pipeline/pipeline_debug/*` every `assist_poll_seconds`, and at
 * once when an Assist entity changes. A run is captured once it has ended; its id is the
 * prediction id, so a run is never stored twice, also across restarts. Labels follow the rules
 * in `assist-verdicts.ts`, decided when the undo and rephrase windows have passed.
 */
export class AssistRunCapture {
  readonly #options: AssistRunCaptureOptions;
  readonly #timers: Timers;
  /** Run ids seen ended (captured or found stored), per the newest listing: bounded by 10 per pipeline. */
  #seen = new Set<string>();
  readonly #open = new Map<string, OpenRun>();
  /** Runs of the last rephrase window, for the rephrase rule. */
  #recent: AssistRun[] = [];
  #poll: NodeJS.Timeout | null = null;
  #stopHint: (() => void) | null = null;
  #polling: Promise<void> | null = null;
  #again = false;
  #unavailableLogged = false;
  #stopped = false;

  constructor(options: AssistRunCaptureOptions) {
    this.#options = options;
    this.#timers = new Timers(options.logger);
  }

  start(): void {
    if (this.#poll || this.#stopped) return;
    this.#poll = setInterval(() => void this.poll(), this.#options.settings.assist_poll_seconds * 1000);
    this.#stopHint = this.#options.watch.onChange((change) => {
      if (ASSIST_HINT.test(change.entity_id)) void this.poll();
    });
    void this.poll();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#poll) clearInterval(this.#poll);
    this.#poll = null;
    this.#stopHint?.();
    this.#timers.clear();
    await this.#polling;
  }

  /** One pass over every pipeline's runs; concurrent calls coalesce into one more pass. Never rejects. */
  poll(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.#polling) {
      this.#again = true;
      return this.#polling;
    }
    this.#polling = (async () => {
      do {
        this.#again = false;
        try {
          await this.#pollOnce();
        } catch (error) {
          this.#options.logger.warn('could not read Assist runs; trying again at the next poll', { error });
        }
      } while (this.#again && !this.#stopped);
    })().finally(() => {
      this.#polling = null;
    });
    return this.#polling;
  }

  async #pollOnce(): Promise<void> {
    const { hub } = this.#options;
    let pipelines: Pipeline[];
    try {
      pipelines = PipelineListSchema.parse(await hub.command({ type: 'assist_pipeline/pipeline/list' })).pipelines;
    } catch (error) {
      if (error instanceof HubCommandError && error.code === 'unknown_command') {
        if (!this.#unavailableLogged) this.#options.logger.info('Assist is not set up on this hub (no assist_pipeline): no Assist capture until it is');
        this.#unavailableLogged = true;
        return;
      }
      throw error;
    }
    const listed = new Set<string>();
    for (const pipeline of pipelines) {
      const { pipeline_runs: runs } = PipelineRunListSchema.parse(await hub.command({ type: 'assist_pipeline/pipeline_debug/list', pipeline_id: pipeline.id }));
      for (const { pipeline_run_id: runId } of runs) {
        listed.add(runId);
        if (this.#seen.has(runId) || this.#stopped) continue;
        const { events } = PipelineRunSchema.parse(
          await hub.command({ type: 'assist_pipeline/pipeline_debug/get', pipeline_id: pipeline.id, pipeline_run_id: runId }),
        );
        if (events.length === 0) continue;
        const run = readAssistRun(runId, pipeline, events);
        if (!run) continue; // still running: next poll
        this.#seen.add(runId);
        await this.#capture(run);
      }
    }
    this.#seen = new Set([...this.#seen].filter((id) => listed.has(id)));
  }

  async #capture(run: AssistRun): Promise<void> {
    const { tracker, settings, logger } = this.#options;
    // Captured before (this run is still listed after a restart of the service).
    if ((await tracker.getPrediction(assistIntentId(run.run_id))) ?? (await tracker.getPrediction(assistSttId(run.run_id)))) return;
    const open: OpenRun = { run, intentId: null, sttId: null };
    const base = { pipeline: run.pipeline_name, pipeline_id: run.pipeline_id, language: run.language, device_id: run.device_id, conversation_id: run.conversation_id };
    const context = { hub_event_type: 'assist_pipeline_run', hub_run_id: run.run_id };
    if (run.intent && settings.assist.enabled) {
      const label = assistIntentLabel(run, await this.#recognise(run));
      const stored = await storeOnce(tracker, {
        prediction_id: assistIntentId(run.run_id),
        model_name: NATIVE_MODELS.assistIntent,
        model_version: run.intent.engine,
        input_data: { text: run.intent.text, ...base, response_type: run.intent.response_type, error_code: run.intent.error_code, label_source: label.label_source },
        prediction: { intent: label.intent },
        context,
        timestamp: run.started_at,
      });
      if (stored) open.intentId = assistIntentId(run.run_id);
    }
    if (run.stt && settings.stt.enabled) {
      const stored = await storeOnce(tracker, {
        prediction_id: assistSttId(run.run_id),
        model_name: NATIVE_MODELS.assistStt,
        model_version: run.stt.engine,
        input_data: base,
        prediction: { text: run.stt.text ?? '' },
        context,
        timestamp: run.started_at,
      });
      if (stored) open.sttId = assistSttId(run.run_id);
    }
    if (!open.intentId && !open.sttId) return;
    logger.debug('captured an Assist run', { run_id: run.run_id, understood: isUnderstood(run) });
    this.#open.set(run.run_id, open);
    this.#remember(run);
    // A new run may be the rephrase of an earlier one: decide those again now.
    for (const other of this.#open.values()) if (other !== open) await this.#decide(other);
    await this.#decide(open);
    const ended = Date.parse(run.ended_at);
    const untilUndo = ended + settings.undo_seconds * 1000 - this.#options.now().getTime();
    const untilRephrase = ended + settings.rephrase_seconds * 1000 - this.#options.now().getTime();
    this.#timers.after(untilRephrase, 'deciding an Assist run', () => this.#decideLater(run.run_id));
    this.#timers.after(untilUndo, 'deciding an Assist run', () => this.#decideLater(run.run_id));
  }

  /** The built-in agent's intent for the run's text, when it re-recognises it; null otherwise. */
  async #recognise(run: AssistRun): Promise<string | null> {
    if (!run.intent || !isBuiltInAgent(run.intent.engine) || !isUnderstood(run)) return null;
    try {
      const answer = RecogniserDebugSchema.parse(
        await this.#options.hub.command({
          type: 'conversation/agent/homeassistant/debug',
          sentences: [run.intent.text],
          ...(run.language ? { language: run.language } : {}),
          ...(run.device_id ? { device_id: run.device_id } : {}),
        }),
      );
      const result = answer.results[0];
      return result?.match === true && result.intent ? result.intent.name : null;
    } catch (error) {
      this.#options.logger.debug('the recogniser did not answer; the response type stands in for the intent', { error });
      return null;
    }
  }

  async #decideLater(runId: string): Promise<void> {
    await this.poll(); // a rephrase may be waiting in the debug list
    const open = this.#open.get(runId);
    if (open) await this.#decide(open);
  }

  async #decide(open: OpenRun): Promise<void> {
    const { tracker, logger } = this.#options;
    const after = this.#aftermath(open.run);
    // Each id is taken before the await, so two decisions at once label it once.
    const intentId = open.intentId;
    const intent = intentId ? intentVerdict(open.run, after) : null;
    if (intentId && intent) {
      open.intentId = null;
      await labelOnce(tracker, intentId, intent, logger);
    }
    const sttId = open.sttId;
    const stt = sttId ? sttVerdict(open.run, after) : null;
    if (sttId && stt) {
      open.sttId = null;
      await labelOnce(tracker, sttId, stt, logger);
    }
    if ((!open.intentId && !open.sttId) || isSettled(open.run, after)) this.#open.delete(open.run.run_id);
  }

  #aftermath(run: AssistRun): RunAftermath {
    const { settings, watch, systemUsers } = this.#options;
    const now = this.#options.now().getTime();
    const ended = Date.parse(run.ended_at);
    const undoUntil = new Date(ended + settings.undo_seconds * 1000).toISOString();
    let undone = false;
    if (run.intent && run.intent.targets.length > 0) {
      const targets = new Set(run.intent.targets);
      const changes: StateChange[] = watch.changes.of(targets);
      const ownUntil = new Date(Date.parse(run.intent.ended_at ?? run.ended_at) + OWN_CHANGE_SLACK_MS).toISOString();
      const own = ownChanges(changes, run.intent.targets, run.intent.started_at, ownUntil);
      if (own.lastAt !== null) {
        const undo = findUndo(changes, { before: own.before, ownContexts: own.ownContexts, from: own.lastAt, until: undoUntil }, (context) => actorOf(context, systemUsers.ids) !== 'system');
        undone = undo !== null;
      }
    }
    return {
      undone,
      rephrased: findRephrase(run, this.#recent, settings.rephrase_seconds) !== null,
      undoWindowPassed: now >= ended + settings.undo_seconds * 1000,
      rephraseWindowPassed: now >= ended + settings.rephrase_seconds * 1000,
    };
  }

  #remember(run: AssistRun): void {
    const horizon = this.#options.now().getTime() - 2 * Math.max(this.#options.settings.rephrase_seconds, this.#options.settings.undo_seconds) * 1000;
    this.#recent = [...this.#recent.filter((other) => Date.parse(other.ended_at) >= horizon), run];
  }
}
