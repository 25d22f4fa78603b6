import { z } from 'zod';

const SourceSwitchSchema = z.strictObject({ enabled: z.boolean().default(true) });

/**
 * `hub.capture.native`: measuring the ML Home Assistant already runs, from its own signals (see
 * README, "Native capture"). Every source is on by default: none needs anything from the user.
 */
export const NativeCaptureConfigSchema = z.strictObject({
  /** Assist pipeline runs as `assist_intent` predictions. */
  assist: SourceSwitchSchema.prefault({}),
  /** Runs with a speech-to-text stage as `assist_stt` predictions. */
  stt: SourceSwitchSchema.prefault({}),
  /** Automation runs as `automations` predictions. */
  automations: SourceSwitchSchema.prefault({}),
  /** `image_processing.detect_face` events as `face_recognition` predictions. */
  faces: SourceSwitchSchema.prefault({}),
  /** A change set back by a person or device within this many seconds undoes a command or an automation run. */
  undo_seconds: z.number().int().min(1).max(86_400).default(60),
  /** Asking again from the same device or conversation within this many seconds marks a run not understood as misheard. */
  rephrase_seconds: z.number().int().min(1).max(3600).default(20),
  /** How often Assist's pipeline debug is read when no Assist entity changes (typed text touches none). */
  assist_poll_seconds: z.number().min(1).max(3600).default(5),
});
export type NativeCaptureConfig = z.infer<typeof NativeCaptureConfigSchema>;
