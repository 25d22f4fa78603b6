import { z } from 'zod';

/** The most predictions of a window that calibration and slices read raw. */
export const RAW_SCAN_LIMIT = 10_000;

/**
 * The most predictions of a window the label-free accuracy estimate reads raw. Every performance
 * answer (each sensor evaluation) computes it, so it stays within the default segment cache
 * (8 segments of 1000 records): a scan longer than the cache would re-read every segment each time.
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
