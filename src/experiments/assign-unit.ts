import { createHash } from 'node:crypto';
import type { Experiment } from '../domain/experiments.js';

/**
 * Where a unit (a device, a user) falls in [0, 1): the first 52 bits of
 * SHA-256("<experiment_id>:<unit>"). The same unit always falls in the same place in one
 * experiment, and independently in another.
 */
export function unitPosition(experimentId: string, unit: string): number {
  const digest = createHash('sha256').update(`${experimentId}:${unit}`).digest();
  // 52 bits: 6 bytes and the high half of the 7th, exactly representable as a double.
  const high = digest.readUIntBE(0, 6);
  const low = digest[6]! >>> 4;
  return (high * 16 + low) / 2 ** 52;
}

/**
 * The version a unit gets: while the experiment runs, version_b for units whose position is
 * below the allocation (the share given to b), else version_a. Once it has decided with a
 * winner, every unit gets the winner; stopped or decided without one, the baseline version_a.
 */
export function assignVersion(experiment: Pick<Experiment, 'experiment_id' | 'status' | 'allocation' | 'version_a' | 'version_b' | 'winner'>, unit: string): string {
  if (experiment.status === 'decided' && experiment.winner !== null) return experiment.winner;
  if (experiment.status !== 'running') return experiment.version_a;
  return unitPosition(experiment.experiment_id, unit) < experiment.allocation ? experiment.version_b : experiment.version_a;
}
