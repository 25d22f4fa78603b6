import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { PredictionInput } from '../src/domain/prediction.js';
import { bodyPool } from './ingest.js';
import { removeScratch, scratchDir } from './paths.js';

/** What a hand-written lowdb tracker would store: the body plus an id, a timestamp and `correct`. */
type NaiveRecord = PredictionInput & { prediction_id: string; timestamp: string; correct: boolean | null };

interface NaiveDb {
  predictions: NaiveRecord[];
}

export interface NaiveResult {
  startRecords: number;
  predictions: number;
  seconds: number;
  perS: number;
  fileMb: number;
}

function toRecord(body: PredictionInput): NaiveRecord {
  const truth = body.ground_truth ?? null;
  const correct = truth ? Object.entries(truth).every(([key, value]) => JSON.stringify(body.prediction[key]) === JSON.stringify(value)) : null;
  return { ...body, prediction_id: randomUUID(), timestamp: new Date().toISOString(), correct };
}

/**
 * The baseline: lowdb's own Low + JSONFile, one file with every prediction,
 * `db.data.predictions.push(p); await db.write()` per prediction, `concurrency` at a time.
 * steno coalesces the file writes, but every write() call still stringifies the whole file
 * (JSON.stringify(data, null, 2)) synchronously; nothing is fsynced.
 */
export async function benchNaiveLowdb(options: { seconds: number; concurrency: number; startRecords: number; maxPredictions: number }): Promise<NaiveResult> {
  const dir = scratchDir('naive-lowdb');
  try {
    const path = join(dir, 'db.json');
    const db = new Low<NaiveDb>(new JSONFile<NaiveDb>(path), { predictions: [] });
    await db.read();
    const pool = bodyPool(8192, 13);
    if (options.startRecords > 0) {
      db.data.predictions = Array.from({ length: options.startRecords }, (_, index) => toRecord(pool[index % pool.length]!));
      await db.write();
    }
    let issued = 0;
    let done = 0;
    const began = performance.now();
    const deadline = began + options.seconds * 1000;
    const worker = async () => {
      while (issued < options.maxPredictions && performance.now() < deadline) {
        const record = toRecord(pool[issued++ % pool.length]!);
        db.data.predictions.push(record);
        await db.write();
        done += 1;
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    const seconds = (performance.now() - began) / 1000;
    return {
      startRecords: options.startRecords,
      predictions: done,
      seconds,
      perS: done / seconds,
      fileMb: statSync(path).size / 1024 / 1024,
    };
  } finally {
    removeScratch(dir);
  }
}
