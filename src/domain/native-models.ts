/**
 * The models the add-on measures from Home Assistant's own signals, with no code on the user's
 * side (see README, "Native capture"), and the labels the tracker reads specially.
 */
export const NATIVE_MODELS = {
  /** One prediction per Assist pipeline run that reached the intent stage; version = conversation engine. */
  assistIntent: 'assist_intent',
  /** One prediction per run with a speech-to-text stage; version = STT engine. */
  assistStt: 'assist_stt',
  /** One prediction per automation run that its actions are wanted (`{"kept": true}`). */
  automations: 'automations',
  /** One prediction per `image_processing.detect_face` event; version = the image_processing entity. */
  faceRecognition: 'face_recognition',
} as const;

/**
 * `assist_intent` labels that say Assist did not understand or could not act: the intent
 * response's error codes and the pipeline's intent-stage error codes. Every other label (an
 * intent name, `action_done`, `query_answer`…) is a command understood.
 */
export const ASSIST_NOT_UNDERSTOOD_LABELS: readonly string[] = [
  'no_intent_match',
  'no_valid_targets',
  'failed_to_handle',
  'unknown',
  'intent-failed',
  'intent-not-supported',
];
