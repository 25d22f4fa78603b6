import { z } from 'zod';

/** The most predictions of a window that calibration and slices read raw. */
export const RAW_SCAN_LIMIT = 10_000;

/**
 * The most predictions of a window the label-free accuracy estimate reads raw. Every performance
 * answer (each sensor evaluation) computes it, so it is also kept within what the segment cache
 * holds (`segment_cache_size` × `segment_max_records`, 8 × 1000 by default).
 */
export const ESTIMATE_SCAN_LIMIT = 5_000;

/**
 * What an answer computed from the raw records of a window read: the predictions it covered
 * (newest first), the most it reads, and whether that was the whole window (false when the window
 * held more than `limit` predictions: the answer is then over the newest `limit` of them).
 */
export const RawScanSchema = z.object({
  predictions: z.number().int(),
  limit: z.number().int(),
  complete: z.boolean(),
});
export type RawScan = z.infer<typeof RawScanSchema>;
