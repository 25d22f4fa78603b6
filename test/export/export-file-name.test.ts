import { describe, expect, it } from 'vitest';
import { exportFileName } from '../../src/export/export-file-name.js';

describe('exportFileName', () => {
  it('names the model, the version when one is asked, and the format', () => {
    expect(exportFileName({ model_name: 'voice_recognition', model_version: null, format: 'csv' })).toEqual({
      name: 'ml-metrics-voice_recognition.csv',
      header: `attachment; filename="ml-metrics-voice_recognition.csv"; filename*=UTF-8''ml-metrics-voice_recognition.csv`,
    });
    expect(exportFileName({ model_name: 'm', model_version: '1.2', format: 'jsonl' }).name).toBe('ml-metrics-m-1.2.jsonl');
  });

  it('keeps the plain name ASCII and safe in quotes, and the exact name in filename*', () => {
    const { name, header } = exportFileName({ model_name: 'Stimme "ü"/a;b', model_version: null, format: 'csv' });
    expect(name).toBe('ml-metrics-Stimme_a_b.csv');
    expect(header).toContain(`filename*=UTF-8''ml-metrics-Stimme%20%22%C3%BC%22%2Fa%3Bb.csv`);
    expect(header).not.toMatch(/[\r\n]/);
  });
});
