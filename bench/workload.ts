import type { PredictionInput } from '../src/domain/prediction.js';

/**
 * Realistic prediction bodies, shaped like the seed's examples (voice_recognition with
 * `{audio_length, sample_rate}` in, `{user_id, confidence}` out, a device in the context), for the
 * four models the shipped config knows, with several versions. About a third carry their ground
 * truth inline. Deterministic: the same seed gives the same bodies.
 *
 * Bump WORKLOAD_VERSION whenever the bodies change: it is part of the seeded store's cache key.
 */
export const WORKLOAD_VERSION = 1;

/** The model the query phase reads. */
export const QUERY_MODEL = 'voice_recognition';

const MICS = ['living_room_mic', 'kitchen_mic', 'bedroom_mic', 'office_mic', 'hallway_mic'];
const DEVICES = ['light.kitchen', 'light.living_room', 'climate.hallway', 'switch.coffee_maker', 'cover.bedroom_blinds', 'media_player.tv'];
const PATTERNS = ['daily', 'weekly', 'occupancy', 'sunset', 'arrival'];
const INTENTS = ['turn_on', 'turn_off', 'set_temperature', 'query_state', 'play_media', 'set_timer'];
const LANGUAGES = ['en', 'en', 'en', 'de', 'fr'];

/** xorshift32: small, fast, deterministic. */
export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0 || 0x9e3779b9;
  }

  /** In [0, 1). */
  next(): number {
    let x = this.#state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#state = x >>> 0;
    return this.#state / 4_294_967_296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/** A wrong label other than `right`. */
function other<T>(rng: Rng, items: readonly T[], right: T): T {
  const rest = items.filter((item) => item !== right);
  return rng.pick(rest);
}

export class Workload {
  readonly #rng: Rng;

  constructor(seed = 1) {
    this.#rng = new Rng(seed);
  }

  /**
   * One body. `progress` (0..1) is how far through the simulated year we are: voice_recognition
   * 1.1 is rolled out half-way (A/B against 1.0), suggestion_engine 1.0 replaces 0.9 at 30%.
   */
  next(progress = 1): PredictionInput {
    const rng = this.#rng;
    const labeled = rng.chance(1 / 3);
    const roll = rng.next();
    const confidence = round(0.5 + rng.next() * 0.5, 3);
    if (roll < 0.4) {
      const version = progress < 0.5 ? '1.0' : rng.chance(0.7) ? '1.1' : '1.0';
      const truth = rng.int(1, 6);
      const predicted = rng.chance(version === '1.1' ? 0.92 : 0.87) ? truth : other(rng, [1, 2, 3, 4, 5, 6], truth);
      return {
        model_name: 'voice_recognition',
        model_version: version,
        input_data: { audio_length: round(0.8 + rng.next() * 5.2, 2), sample_rate: 16000 },
        prediction: { user_id: predicted, confidence },
        confidence,
        ...(labeled ? { ground_truth: { user_id: truth } } : {}),
        context: { device: rng.pick(MICS) },
      };
    }
    if (roll < 0.6) {
      const truth = rng.pick(PATTERNS);
      const predicted = rng.chance(0.85) ? truth : other(rng, PATTERNS, truth);
      const device = rng.pick(DEVICES);
      return {
        model_name: 'pattern_learner',
        model_version: '2.3',
        input_data: { device_id: device, action_count: rng.int(3, 240) },
        prediction: { pattern_type: predicted, confidence },
        confidence,
        ...(labeled ? { ground_truth: { pattern_type: truth } } : {}),
        context: { device, area: device.split('.')[1]! },
      };
    }
    if (roll < 0.8) {
      const accepted = rng.chance(0.62);
      const predicted = rng.chance(0.8) ? accepted : !accepted;
      return {
        model_name: 'suggestion_engine',
        model_version: progress < 0.3 ? '0.9' : '1.0',
        input_data: { pattern_id: `pat_${rng.int(1, 400)}` },
        prediction: { suggestion_id: `sug_${rng.int(1, 5000)}`, accepted: predicted },
        confidence,
        ...(labeled ? { ground_truth: { accepted } } : {}),
        context: { source: 'pattern_learner' },
      };
    }
    const truth = rng.pick(INTENTS);
    const predicted = rng.chance(0.9) ? truth : other(rng, INTENTS, truth);
    return {
      model_name: 'intent_processing',
      model_version: '3.1',
      input_data: { text_length: rng.int(8, 90), language: rng.pick(LANGUAGES) },
      prediction: { intent: predicted, confidence },
      confidence,
      ...(labeled ? { ground_truth: { intent: truth } } : {}),
      context: { device: rng.pick(MICS), pipeline: 'assist' },
    };
  }
}
