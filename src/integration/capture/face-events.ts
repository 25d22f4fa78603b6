import { NATIVE_MODELS } from '../../domain/native-models.js';
import type { Logger } from '../../logging/logger.js';
import { captureContextOf } from '../capture-context.js';
import type { HubEvent } from '../hub-schemas.js';
import { DetectFaceDataSchema } from './hub-payloads.js';
import type { NativeHub } from './native-hub.js';
import type { NativeTracker } from './native-ports.js';
import { storeOnce } from './native-records.js';

export const DETECT_FACE_EVENT = 'image_processing.detect_face';

/**
 * Captures face recognition: each `image_processing.detect_face` event is a `face_recognition`
 * prediction (version = the image_processing entity) of the name, with its confidence (Home
 * Assistant gives percent; stored as 0–1). Home Assistant fires it only at or above the
 * entity's threshold and never says whether the name was right: ground truth comes only from
 * `ml_feedback` naming the prediction or answering its context.
 */
export class FaceEventCapture {
  readonly #hub: NativeHub;
  readonly #tracker: NativeTracker;
  readonly #logger: Logger;
  #unsubscribe: (() => Promise<void>) | null = null;

  constructor(options: { hub: NativeHub; tracker: NativeTracker; logger: Logger }) {
    this.#hub = options.hub;
    this.#tracker = options.tracker;
    this.#logger = options.logger;
  }

  async start(): Promise<void> {
    if (this.#unsubscribe) return;
    this.#unsubscribe = await this.#hub.subscribeEvents([DETECT_FACE_EVENT], (event) => this.#detected(event));
  }

  async stop(): Promise<void> {
    const unsubscribe = this.#unsubscribe;
    this.#unsubscribe = null;
    await unsubscribe?.();
  }

  async #detected(event: HubEvent): Promise<void> {
    const data = DetectFaceDataSchema.safeParse(event.data);
    if (!data.success) {
      this.#logger.warn('ignored a detect_face event that does not validate', { error: data.error.issues[0]?.message });
      return;
    }
    const { entity_id: entity, name, confidence } = data.data;
    await storeOnce(this.#tracker, {
      prediction_id: `${NATIVE_MODELS.faceRecognition}:${event.context.id}`,
      model_name: NATIVE_MODELS.faceRecognition,
      model_version: entity,
      input_data: { entity_id: entity },
      prediction: { name: name ?? null },
      ...(confidence !== null && confidence !== undefined ? { confidence: confidence / 100 } : {}),
      context: captureContextOf(event, null),
      timestamp: event.time_fired,
    });
  }
}
