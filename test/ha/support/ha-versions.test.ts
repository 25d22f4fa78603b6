import { describe, expect, it } from 'vitest';
import { DEFAULT_HA_VERSION, HA_RELEASES, selectedBasePython, selectedHaVersion } from './ha-versions.js';

describe('selectedHaVersion', () => {
  it('is 2024.3.3 when ML_METRICS_HA_VERSION is unset or empty', () => {
    expect(selectedHaVersion({})).toBe('2024.3.3');
    expect(selectedHaVersion({ ML_METRICS_HA_VERSION: '' })).toBe(DEFAULT_HA_VERSION);
  });

  it('names a release of the table', () => {
    expect(selectedHaVersion({ ML_METRICS_HA_VERSION: '2025.4.4' })).toBe('2025.4.4');
    expect(HA_RELEASES['2025.4.4'].python).toEqual({ min: 13, max: 13 });
  });

  it('refuses a release the table lacks, listing those it has', () => {
    expect(() => selectedHaVersion({ ML_METRICS_HA_VERSION: '2025.5.0' })).toThrow(/2025\.5\.0 is not one of 2024\.3\.3, 2025\.4\.4/);
  });
});

describe('selectedBasePython', () => {
  it('is ML_METRICS_HA_PYTHON, else python3', () => {
    expect(selectedBasePython({})).toBe('python3');
    expect(selectedBasePython({ ML_METRICS_HA_PYTHON: '/usr/bin/python3.13' })).toBe('/usr/bin/python3.13');
  });
});
