/**
 * Hostile hub event payloads (issue 5), through EventCapture.handle in process: random `data` for
 * every mapped event type, wrong types and values no JSON has (NaN, Infinity, BigInt, functions,
 * symbols) in every mapped field, `__proto__` keys, huge strings and arrays, deep nesting. handle()
 * never throws or rejects; each event lands in exactly one counter and never in `failed`; a
 * refused event stores nothing; no prototype is polluted.
 */
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEventMappings } from '../../src/integration/load-event-mappings.js';
import { PredictionLogSchema } from '../../src/domain/prediction.js';
import { EventCapture, type EventSource } from '../../src/integration/event-capture.js';
import { MatchingConfigSchema } from '../../src/integration/hub-config.js';
import type { HubEvent } from '../../src/integration/hub-schemas.js';
import { MAX_DATA_DEPTH } from '../../src/integration/interpret-event.js';
import { silentLogger } from '../../src/logging/logger.js';
import { openTracker } from '../../src/open-tracker.js';
import { type ModelPerformanceTracker } from '../../src/tracker/model-performance-tracker.js';
import { RecordingFileSystem } from '../support/recording-file-system.js';
import { digestTree, expectOnlyStoreFiles, expectPrototypesUnchanged, quickFingerprint, snapshotPrototypes } from './support/hostile-guards.js';
import {
  ABSENT,
  anyValue,
  hubEvent,
  mappedFields,
  nestedObject,
  refusingContextId,
  refusingTruth,
  refusingValue,
  setDataPath,
  timeFired,
  unparsableTime,
  validValue,
  type MappedField,
} from './support/hostile-events.js';
import { hostileJsonValue, hostileKey } from './support/hostile-json.js';
import { CaseCounter, checkProperty, runs, timeoutFor } from './support/hostile-runs.js';
import { fixedClock, HOSTILE_CONFIG } from './support/hostile-service.js';
import { hostileString } from './support/hostile-strings.js';

const counter = new CaseCounter('hub events');
const MAPPINGS = loadEventMappings({});
const EVENT_TYPES = Object.keys(MAPPINGS).sort();

/** EventCapture only needs subscribeEvents; the tests call handle() themselves. */
const hub: EventSource = { subscribeEvents: async () => async () => {} };

let root: string;
let dataDir: string;
let tracker: ModelPerformanceTracker;
/** The store's file system: every write it makes is counted (and kept: `keepData: false` keeps only sizes). */
const files = new RecordingFileSystem({ keepData: false });
let capture: EventCapture;
let prototypes: ReturnType<typeof snapshotPrototypes>;

beforeAll(async () => {
  prototypes = snapshotPrototypes();
  root = await mkdtemp(path.join(tmpdir(), 'hap-hostile-hub-'));
  dataDir = path.join(root, 'data');
  await mkdir(dataDir);
  tracker = await openTracker({ dataDir, config: HOSTILE_CONFIG, now: fixedClock, fs: files });
  // Predictions for feedback to find, by id and by device.
  for (const [index, [model, label]] of ([
    ['voice_recognition', { user_id: 'alice' }],
    ['intent_processing', { intent: 'lights_on' }],
    ['suggestion_engine', { accepted: true }],
    ['toString', { label: 'a' }],
  ] as const).entries()) {
    await tracker.logPrediction({
      prediction_id: `seed-${index}`,
      model_name: model,
      prediction: label,
      confidence: 0.8,
      context: { device_id: 'kitchen' },
      timestamp: '2024-01-15T11:59:00.000Z',
    });
  }
  capture = new EventCapture({ hub, tracker, mappings: MAPPINGS, matching: MatchingConfigSchema.parse({ pending_seconds: 0 }), logger: silentLogger });
  await capture.start();
});

afterAll(async () => {
  console.log(counter.report());
  await capture?.stop();
  await tracker?.close();
  await rm(root, { recursive: true, force: true });
});

type Counts = Record<string, number>;

function countsOf(type: string): Counts {
  return { ...(capture.counts()[type] ?? {}) } as unknown as Counts;
}

/** Which counters moved, and by how much. */
function delta(before: Counts, after: Counts): Counts {
  const moved: Counts = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const change = (after[key] ?? 0) - (before[key] ?? 0);
    if (change !== 0) moved[key] = change;
  }
  return moved;
}

/** A short, depth-limited rendering of an event for failure messages (data may be 20,000 levels deep). */
function describeEvent(event: HubEvent): string {
  const preview = (value: unknown, depth: number): string => {
    if (value === null || typeof value !== 'object') return String(fc.stringify(value)).slice(0, 60);
    if (depth === 0) return Array.isArray(value) ? '[…]' : '{…}';
    const entries = Object.entries(value).slice(0, 8);
    if (Array.isArray(value)) return `[${entries.map(([, item]) => preview(item, depth - 1)).join(',')}]`;
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${preview(item, depth - 1)}`).join(',')}}`;
  };
  return preview(event, 5).slice(0, 500);
}

/** Handles one event: it must resolve, move exactly one counter by one, and never `failed`. */
async function handleOne(event: HubEvent): Promise<string> {
  const before = countsOf(event.event_type);
  let settled: 'resolved' | 'rejected' = 'resolved';
  await capture.handle(event).catch(() => {
    settled = 'rejected';
  });
  expect(settled, `handle() rejected for ${describeEvent(event)}`).toBe('resolved');
  const moved = delta(before, countsOf(event.event_type));
  expect(moved, `counters for ${describeEvent(event)}`).not.toHaveProperty('failed');
  expect(Object.values(moved), `each event is counted exactly once: ${JSON.stringify(moved)} for ${describeEvent(event)}`).toEqual([1]);
  return Object.keys(moved)[0]!;
}

/** Data for a mapped event type: each mapped field valid, hostile or absent, plus random keys. */
function randomData(type: string): fc.Arbitrary<Record<string, unknown>> {
  const fields = mappedFields(MAPPINGS[type]!);
  return fc
    .tuple(
      fc.tuple(...fields.map((field) => fc.oneof({ weight: 8, arbitrary: validValue(field.role) }, { weight: 2, arbitrary: anyValue }, { weight: 1, arbitrary: fc.constant(ABSENT) }))),
      fc.array(fc.tuple(hostileKey, anyValue), { maxLength: 4 }),
    )
    .map(([values, extra]) => {
      const data: Record<string, unknown> = {};
      for (const [key, value] of extra) setDataPath(data, key, value);
      fields.forEach((field, index) => setDataPath(data, field.path, values[index]));
      return data;
    });
}

let serial = 0;
/** Ids made unique per case, so a valid prediction is not a duplicate of an earlier one. */
function uniqueIds(data: Record<string, unknown>, fields: readonly MappedField[]): void {
  serial += 1;
  for (const field of fields) {
    const value = data[field.path];
    if (field.role === 'id' && typeof value === 'string' && value.length > 0 && value.length < 150) data[field.path] = `${value}#${serial}`;
  }
}

describe('random data for every mapped event type', () => {
  it(`handle() never throws; each event is counted once, never as failed; refused ones store nothing (${runs(300)} cases)`, async () => {
    const cases = fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom(...EVENT_TYPES).chain((type) => fc.record({ type: fc.constant(type), data: randomData(type), time: timeFired, parent: fc.option(fc.constantFrom('ctx-00000001', 'seed'), { nil: null }), keepIds: fc.boolean() })) },
      { weight: 1, arbitrary: fc.record({ type: hostileString({ maxLength: 12 }).filter((type) => type.length > 0 && !(type in MAPPINGS)), data: randomData(EVENT_TYPES[0]!), time: timeFired, parent: fc.constant(null), keepIds: fc.constant(true) }) },
    );
    await checkProperty(counter, 'EventCapture.handle, random data', cases, runs(300), async ({ type, data, time, parent, keepIds }, tally) => {
      const mapping = MAPPINGS[type];
      if (mapping?.kind === 'prediction' && !keepIds) uniqueIds(data, mappedFields(mapping));
      const event = hubEvent(type, data, { timeFired: time, parentId: parent });
      const before = await quickFingerprint(tracker, files);
      if (!mapping) {
        await capture.handle(event);
        tally('unmapped type: ignored');
        expect(capture.counts()[type]).toBeUndefined();
        expect(await quickFingerprint(tracker, files)).toEqual(before);
        return;
      }
      const outcome = await handleOne(event);
      tally(`${mapping.kind} ${outcome}`);
      const after = await quickFingerprint(tracker, files);
      if (outcome === 'refused' || outcome === 'unmatched' || outcome === 'duplicates') {
        expect(after, `a ${outcome} event changed the store: ${describeEvent(event)}`).toEqual(before);
      }
      if (outcome === 'captured') {
        expect((after.health as { stored_predictions: number }).stored_predictions).toBe((before.health as { stored_predictions: number }).stored_predictions + 1);
        for await (const { record } of tracker.store.newestFirst()) {
          expect(PredictionLogSchema.safeParse(record).success, `stored an invalid record from ${describeEvent(event)}`).toBe(true);
          break;
        }
      }
      expectPrototypesUnchanged(prototypes);
    });
    await expectStoreIntact();
  }, timeoutFor(300, 150));
});

// ------------------------------------------------------------------ refused on purpose

/** One event per case that must be refused: one mapped field (or the envelope) made invalid, or data nested too deep. */
const refusedEvent = fc.constantFrom(...EVENT_TYPES).chain((type) => {
  const mapping = MAPPINGS[type]!;
  const fields = mappedFields(mapping);
  const base = fc.tuple(...fields.map((field) => validValue(field.role)));
  const defects: fc.Arbitrary<{ what: string; apply: (data: Record<string, unknown>, event: { time: string; contextId?: string }) => void }>[] = [];
  for (const field of fields) {
    const bad = refusingValue(field.role, mapping.kind);
    if (bad) defects.push(bad.map((value) => ({ what: `${field.path} (${field.role}) = ${typeof value === 'symbol' ? 'a symbol' : String(fc.stringify(value)).slice(0, 60)}`, apply: (data) => setDataPath(data, field.path, value) })));
  }
  const truthObject = fields.find((field) => field.role === 'truth_object');
  const correct = fields.find((field) => field.role === 'correct');
  if (truthObject && correct) {
    defects.push(
      refusingTruth.map(({ object, correct: flag }) => ({
        what: `${truthObject.path} = ${String(fc.stringify(object)).slice(0, 40)}, ${correct.path} = ${fc.stringify(flag)}`,
        apply: (data) => {
          setDataPath(data, truthObject.path, object);
          setDataPath(data, correct.path, flag);
        },
      })),
    );
  }
  defects.push(unparsableTime.map((time) => ({ what: `time_fired = ${JSON.stringify(time)}`, apply: (_data, event) => void (event.time = time) })));
  const id = fields.find((field) => field.role === 'id');
  if (mapping.kind === 'prediction' && id) {
    defects.push(
      refusingContextId.map((contextId) => ({
        what: `no ${id.path}, context.id = ${JSON.stringify(contextId).slice(0, 40)}`,
        apply: (data, event) => {
          setDataPath(data, id.path, ABSENT);
          event.contextId = contextId;
        },
      })),
    );
  }
  defects.push(
    fc.tuple(hostileKey, fc.integer({ min: MAX_DATA_DEPTH, max: 20_000 }), fc.constantFrom('object', 'array')).map(([key, depth, kind]) => ({
      what: `${key} nested ${depth} levels below data`,
      apply: (data) => {
        let value: unknown = kind === 'object' ? nestedObject(depth) : 1;
        if (kind === 'array') for (let level = 0; level < depth; level += 1) value = [value];
        setDataPath(data, key, value);
      },
    })),
  );
  return fc.record({ type: fc.constant(type), values: base, defect: fc.oneof(...defects), extra: fc.array(fc.tuple(hostileKey, hostileJsonValue), { maxLength: 3 }) }).map(({ type: eventType, values, defect, extra }) => {
    const data: Record<string, unknown> = {};
    for (const [key, value] of extra) if (!fields.some((field) => field.path === key)) setDataPath(data, key, value);
    fields.forEach((field, index) => setDataPath(data, field.path, values[index]));
    const envelope: { time: string; contextId?: string } = { time: '2024-01-15T12:00:00.000Z' };
    defect.apply(data, envelope);
    return { event: hubEvent(eventType, data, { timeFired: envelope.time, ...(envelope.contextId === undefined ? {} : { contextId: envelope.contextId }) }), what: `${eventType}: ${defect.what}` };
  });
});

describe('feedback logged as a self-labeled prediction', () => {
  it(`an unmatched suggestion_accepted (logged as a prediction with its ground truth) is counted in exactly one counter (${runs(20)} cases)`, async () => {
    const cases = fc.record({ id: fc.string({ minLength: 1, maxLength: 20 }), confidence: fc.double({ min: 0, max: 1, noNaN: true }), device: fc.option(fc.constantFrom('hall', 'kitchen'), { nil: undefined }) });
    await checkProperty(counter, 'suggestion_accepted with no suggestion_created', cases, runs(20), async ({ id, confidence, device }, tally) => {
      serial += 1;
      const data = { suggestion_id: `never-announced-${serial}-${id}`, confidence, ...(device === undefined ? {} : { device_id: device }) };
      const outcome = await handleOne(hubEvent('suggestion_accepted', data, { timeFired: '2024-01-15T12:00:00.000Z' }));
      tally(outcome);
      expect(await tracker.getPrediction(data.suggestion_id)).toMatchObject({ correct: true, ground_truth: { accepted: true } });
    });
  }, timeoutFor(20, 200));
});

describe('events made invalid on purpose', () => {
  it(`are counted as refused, store nothing and pollute nothing (${runs(250)} cases)`, async () => {
    const filesBefore = await digestTree(dataDir);
    await checkProperty(counter, 'EventCapture.handle, invalid by construction', refusedEvent, runs(250), async ({ event, what }) => {
      const before = await quickFingerprint(tracker, files);
      const outcome = await handleOne(event);
      expect(outcome, `${what} was ${outcome}, not refused`).toBe('refused');
      expect(await quickFingerprint(tracker, files), `a refused event changed the store: ${what}`).toEqual(before);
      expectPrototypesUnchanged(prototypes);
    });
    expect(await digestTree(dataDir), 'refused events changed a file').toEqual(filesBefore);
    await expectStoreIntact();
  }, timeoutFor(250, 100));

  it(`data nested ${MAX_DATA_DEPTH} levels deep is taken; one level more is refused`, async () => {
    const atLimit = { model_name: 'deep_model', prediction: { label: 'a' }, confidence: 0.5, prediction_id: 'deep-ok', input_data: nestedObject(MAX_DATA_DEPTH - 1) };
    expect(await handleOne(hubEvent('ml_prediction', atLimit, { timeFired: '2024-01-15T12:00:00Z' }))).toBe('captured');
    const beyond = { ...atLimit, prediction_id: 'deep-refused', input_data: nestedObject(MAX_DATA_DEPTH) };
    expect(await handleOne(hubEvent('ml_prediction', beyond, { timeFired: '2024-01-15T12:00:00Z' }))).toBe('refused');
    expect(await tracker.getPrediction('deep-refused')).toBeNull();
  });
});

async function expectStoreIntact(): Promise<void> {
  expectPrototypesUnchanged(prototypes);
  expect(tracker.health().status).toBe('ok');
  expect(await readdir(root)).toEqual(['data']);
  await expectOnlyStoreFiles(dataDir);
  expect(capture.pendingFeedback).toBe(0);
  for (const counts of Object.values(capture.counts())) expect(counts.failed).toBe(0);
}
