/**
 * What the fake hub answers for native capture, modeled on Home Assistant 2024.3.3 (payload shapes
 * as recorded under test/fixtures/ha-<version>/): Assist pipelines and their debug runs (the newest
 * 10 per pipeline), the built-in agent's recogniser, automation traces and the users list.
 */
export interface FakePipeline {
  id: string;
  name: string;
  conversation_engine: string;
  stt_engine: string | null;
}

export interface FakePipelineEvent {
  type: string;
  data: Record<string, unknown> | null;
  timestamp: string;
}

export interface FakeTrace {
  run_id: string;
  item_id: string;
  state: 'running' | 'stopped';
  script_execution: string | null;
  error?: string;
}

interface StoredRun {
  pipeline_run_id: string;
  timestamp: string;
  events: FakePipelineEvent[];
}

/** A system-generated user, as the Supervisor's. */
export const SUPERVISOR_USER_ID = 'a0000000000000000000000000000001';

/** Home Assistant keeps this many runs per pipeline (`STORED_PIPELINE_RUNS`). */
export const STORED_PIPELINE_RUNS = 10;

export class FakeNative {
  /** false: the assist_pipeline commands answer `unknown_command`, as a hub without Assist. */
  assistLoaded = true;
  readonly pipelines: FakePipeline[] = [{ id: '01fakepipeline000000000000', name: 'Home Assistant', conversation_engine: 'homeassistant', stt_engine: null }];
  readonly #runs = new Map<string, StoredRun[]>();
  /** sentence → the recogniser's intent name (match: true); absent sentences do not match. */
  readonly recognised = new Map<string, string>();
  /** context id → the trace of the automation run it started. */
  readonly #traces = new Map<string, FakeTrace>();
  readonly users: Array<{ id: string; name: string; system_generated: boolean }>;
  /** Every native command received, by type (tests count polls). */
  readonly commands: string[] = [];

  /** `ownerId`: the person behind the hub's tokens; a system-generated user (the Supervisor) is listed too. */
  constructor(ownerId: string) {
    this.users = [
      { id: ownerId, name: 'Owner', system_generated: false },
      { id: SUPERVISOR_USER_ID, name: 'Supervisor', system_generated: true },
    ];
  }

  /** Adds (or replaces) a run's events; the oldest runs beyond 10 per pipeline are forgotten. */
  setRun(pipelineId: string, runId: string, events: FakePipelineEvent[]): void {
    const runs = this.#runs.get(pipelineId) ?? [];
    const existing = runs.find((run) => run.pipeline_run_id === runId);
    if (existing) existing.events = events;
    else runs.push({ pipeline_run_id: runId, timestamp: events[0]?.timestamp ?? new Date().toISOString(), events });
    this.#runs.set(pipelineId, runs.slice(-STORED_PIPELINE_RUNS));
  }

  setTrace(contextId: string, trace: FakeTrace): void {
    this.#traces.set(contextId, trace);
  }

  /** The answer to a native command: `{ result }`, `{ error }`, or null when the type is not one of these. */
  handle(message: Record<string, unknown>): { result: unknown } | { error: { code: string; message: string } } | null {
    const type = String(message['type']);
    const known = ['assist_pipeline/', 'conversation/agent/homeassistant/debug', 'trace/', 'config/auth/list'];
    if (!known.some((prefix) => type.startsWith(prefix))) return null;
    this.commands.push(type);
    if ((type.startsWith('assist_pipeline/') || type.startsWith('conversation/')) && !this.assistLoaded) {
      return { error: { code: 'unknown_command', message: 'Unknown command.' } };
    }
    switch (type) {
      case 'assist_pipeline/pipeline/list':
        return { result: { pipelines: this.pipelines, preferred_pipeline: this.pipelines[0]?.id ?? null } };
      case 'assist_pipeline/pipeline_debug/list': {
        const runs = this.#runs.get(String(message['pipeline_id'])) ?? [];
        return { result: { pipeline_runs: runs.map(({ pipeline_run_id, timestamp }) => ({ pipeline_run_id, timestamp })) } };
      }
      case 'assist_pipeline/pipeline_debug/get': {
        const run = this.#runs.get(String(message['pipeline_id']))?.find((each) => each.pipeline_run_id === message['pipeline_run_id']);
        return run ? { result: { events: run.events } } : { error: { code: 'not_found', message: `pipeline_run_id ${String(message['pipeline_run_id'])} not found` } };
      }
      case 'conversation/agent/homeassistant/debug': {
        const sentences = Array.isArray(message['sentences']) ? message['sentences'] : [];
        return {
          result: {
            results: sentences.map((sentence) => {
              const intent = this.recognised.get(String(sentence));
              return intent ? { intent: { name: intent }, slots: {}, targets: {}, match: true, source: 'builtin' } : null;
            }),
          },
        };
      }
      case 'trace/contexts':
        // As Home Assistant: domain and item_id are an inclusive group (both or neither).
        if ((message['domain'] === undefined) !== (message['item_id'] === undefined)) {
          return { error: { code: 'invalid_format', message: "some but not all values in the same group of inclusion 'id' @ data[<id>]" } };
        }
        return {
          result: Object.fromEntries([...this.#traces].map(([contextId, trace]) => [contextId, { run_id: trace.run_id, domain: 'automation', item_id: trace.item_id }])),
        };
      case 'trace/list':
        return {
          result: [...this.#traces.values()]
            .filter((trace) => message['item_id'] === undefined || trace.item_id === message['item_id'])
            .map((trace) => ({ ...trace, domain: 'automation', timestamp: { start: new Date().toISOString(), finish: null }, trigger: 'event', last_step: 'action/0' })),
        };
      case 'config/auth/list':
        return { result: this.users.map((user) => ({ ...user, username: null, is_owner: !user.system_generated, is_active: true, group_ids: [] })) };
      default:
        return { error: { code: 'unknown_command', message: 'Unknown command.' } };
    }
  }
}
