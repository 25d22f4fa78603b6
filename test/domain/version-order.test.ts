import { describe, expect, it } from 'vitest';
import { compareVersionOrder, highestVersion, sortVersions } from '../../src/domain/version-order.js';

describe('natural order of model versions', () => {
  it('compares numeric parts as numbers', () => {
    expect(sortVersions(['1.10', '1.2', '1.9'])).toEqual(['1.2', '1.9', '1.10']);
    expect(sortVersions(['v10', 'v2', 'v1'])).toEqual(['v1', 'v2', 'v10']);
    expect(sortVersions(['2.0', '10.0', '9.9.9'])).toEqual(['2.0', '9.9.9', '10.0']);
    expect(highestVersion(['1.9', '1.10', '1.2'])).toBe('1.10');
  });

  it('puts a prefix first and numbers before text at the same place', () => {
    expect(compareVersionOrder('1.0', '1.0.1')).toBeLessThan(0);
    expect(compareVersionOrder('1.0', '1.a')).toBeLessThan(0);
    expect(compareVersionOrder('2024-11-rc1', '2024-11-rc2')).toBeLessThan(0);
    expect(compareVersionOrder('2024-9', '2024-11')).toBeLessThan(0);
  });

  it('compares numbers longer than a double holds exactly', () => {
    expect(compareVersionOrder('v90071992547409921', 'v90071992547409920')).toBeGreaterThan(0);
    expect(compareVersionOrder('v0009', 'v10')).toBeLessThan(0);
  });

  it('is a total order: antisymmetric, and zero only for the same text', () => {
    const versions = ['1.01', '1.1', 'V1', 'v1', '1.0', '1', 'a', 'A', '1.0.0', '01'];
    for (const a of versions) {
      for (const b of versions) {
        const ab = compareVersionOrder(a, b);
        expect(Math.sign(ab) + Math.sign(compareVersionOrder(b, a)), `${a} vs ${b}`).toBe(0);
        expect(ab === 0, `${a} vs ${b}`).toBe(a === b);
      }
    }
    // Sorting any permutation gives the same result.
    expect(sortVersions(versions.slice().reverse())).toEqual(sortVersions(versions));
  });

  it('leaves its input alone and has no highest of nothing', () => {
    const input = ['1.10', '1.9'];
    sortVersions(input);
    expect(input).toEqual(['1.10', '1.9']);
    expect(highestVersion([])).toBeUndefined();
  });
});
