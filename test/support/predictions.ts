/** Request bodies and configurations shared by the store, tracker and crash tests. */

// The seed document's example bodies (shared/seed/000_d8994d55fc3de96e.txt), verbatim.
export const SEED_PREDICTION = {
  model_name: 'voice_recognition',
  input_data: { audio_length: 2.5, sample_rate: 16000 },
  prediction: { user_id: 1, confidence: 0.92 },
  confidence: 0.92,
  ground_truth: { user_id: 1 },
  context: { device: 'living_room_mic' },
};

export const SEED_TRAINING = {
  model_name: 'voice_recognition',
  training_session_id: 'train_20240115_001',
  training_samples: 1000,
  validation_samples: 200,
  training_accuracy: 0.92,
  validation_accuracy: 0.88,
  training_loss: 0.15,
  validation_loss: 0.22,
  hyperparameters: { learning_rate: 0.001, batch_size: 32, epochs: 50 },
  training_duration_seconds: 1250.5,
};

/** Small segments (10 records: the smallest allowed), and the seed's models with their label keys. */
export const SMALL_SEGMENTS_CONFIG = {
  schema_version: 1,
  storage: { segment_max_records: 10 },
  models: {
    voice_recognition: { label_key: 'user_id' },
    suggestion_engine: { label_key: 'accepted', task: 'binary', positive_label: true },
  },
};

/** A fixed "now" for the tracker's clock; prediction n is made n minutes before it. */
export const NOW = new Date('2024-01-15T12:00:00.000Z');
export const fixedClock = (): Date => NOW;

export function minutesBefore(minutes: number, from: Date = NOW): string {
  return new Date(from.getTime() - minutes * 60_000).toISOString();
}

export interface VoicePredictionBody {
  prediction_id: string;
  model_name: string;
  model_version: string;
  input_data: Record<string, number>;
  prediction: { user_id: number; confidence: number };
  confidence: number;
  context: Record<string, string>;
  timestamp: string;
  ground_truth?: { user_id: number } | null;
}

/**
 * A voice_recognition prediction body: id `p-<n>`, user `n % 3`, confidence `0.5 + (n % 50) / 100`,
 * made `1000 - n` minutes before NOW (so later n are newer), on input `{ sample: n }`.
 */
export function voicePrediction(n: number, fields: Partial<VoicePredictionBody> = {}): VoicePredictionBody {
  const confidence = 0.5 + (n % 50) / 100;
  return {
    prediction_id: `p-${n}`,
    model_name: 'voice_recognition',
    model_version: '1.0',
    input_data: { sample: n },
    prediction: { user_id: n % 3, confidence },
    confidence,
    context: { device: 'living_room_mic' },
    timestamp: minutesBefore(1000 - n),
    ...fields,
  };
}
