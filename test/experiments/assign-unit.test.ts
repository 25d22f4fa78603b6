import { describe, expect, it } from 'vitest';
import { assignVersion, unitPosition } from '../../src/experiments/assign-unit.js';
import { experimentSlug } from '../../src/experiments/experiment-slug.js';

const RUNNING = { experiment_id: 'exp-0000abcd', status: 'running' as const, allocation: 0.3, version_a: '1.0', version_b: '2.0', winner: null };

describe('assignVersion', () => {
  it('gives a unit the same version every time, and follows the allocation over many units', () => {
    const units = Array.from({ length: 20_000 }, (_, i) => `device-${i}`);
    const first = units.map((unit) => assignVersion(RUNNING, unit));
    expect(units.map((unit) => assignVersion(RUNNING, unit))).toEqual(first);
    const shareB = first.filter((version) => version === '2.0').length / units.length;
    // Binomial(20000, 0.3): standard deviation 0.0032; 4 of them.
    expect(Math.abs(shareB - 0.3)).toBeLessThan(0.013);
  });

  it('places a unit independently in two experiments', () => {
    const units = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);
    const other = { ...RUNNING, experiment_id: 'exp-0000abce', allocation: 0.5 };
    const mine = { ...RUNNING, allocation: 0.5 };
    const both = units.filter((unit) => assignVersion(mine, unit) === '2.0' && assignVersion(other, unit) === '2.0').length / units.length;
    expect(Math.abs(both - 0.25)).toBeLessThan(0.02);
  });

  it('gives everyone the winner once decided, and the baseline once stopped or decided without one', () => {
    expect(assignVersion({ ...RUNNING, status: 'decided', winner: '2.0' }, 'x')).toBe('2.0');
    expect(assignVersion({ ...RUNNING, status: 'decided', winner: null }, 'x')).toBe('1.0');
    expect(assignVersion({ ...RUNNING, status: 'stopped' }, 'x')).toBe('1.0');
  });

  it('positions units uniformly in [0, 1)', () => {
    const positions = Array.from({ length: 1000 }, (_, i) => unitPosition('exp-00000001', String(i)));
    expect(Math.min(...positions)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...positions)).toBeLessThan(1);
    const mean = positions.reduce((sum, p) => sum + p, 0) / positions.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.04);
  });
});

describe('experimentSlug', () => {
  it('turns a name into an entity-id part', () => {
    expect(experimentSlug('Voice v2 rollout')).toBe('voice_v2_rollout');
    expect(experimentSlug('Küche: Ära 2.0')).toBe('kuche_ara_2_0');
    expect(experimentSlug('日本')).toBe('experiment');
  });
});
