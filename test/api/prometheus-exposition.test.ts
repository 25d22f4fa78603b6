import { describe, expect, it } from 'vitest';
import { escapeHelp, escapeLabelValue, formatValue, renderExposition } from '../../src/api/prometheus-exposition.js';

describe('escapeLabelValue', () => {
  it('escapes backslash, double quote and line feed, in that order of precedence', () => {
    expect(escapeLabelValue('plain')).toBe('plain');
    expect(escapeLabelValue('a\\b')).toBe('a\\\\b');
    expect(escapeLabelValue('say "hi"')).toBe('say \\"hi\\"');
    expect(escapeLabelValue('two\nlines')).toBe('two\\nlines');
    // A backslash before a quote: both escaped, not the quote's escape swallowed.
    expect(escapeLabelValue('\\"')).toBe('\\\\\\"');
    expect(escapeLabelValue('\\n')).toBe('\\\\n');
  });

  it('leaves other characters (any script, tabs, commas, braces) as they are', () => {
    expect(escapeLabelValue('Stimme, erkannt {ü} 語\t=')).toBe('Stimme, erkannt {ü} 語\t=');
  });
});

describe('escapeHelp', () => {
  it('escapes backslash and line feed but not double quotes', () => {
    expect(escapeHelp('a "b" \\ c\nd')).toBe('a "b" \\\\ c\\nd');
  });
});

describe('formatValue', () => {
  it('writes NaN and infinities as Prometheus spells them', () => {
    expect(formatValue(Number.NaN)).toBe('NaN');
    expect(formatValue(Infinity)).toBe('+Inf');
    expect(formatValue(-Infinity)).toBe('-Inf');
    expect(formatValue(0.875)).toBe('0.875');
    expect(formatValue(12)).toBe('12');
  });
});

describe('renderExposition', () => {
  it('writes HELP and TYPE once per family, then its samples with escaped labels', () => {
    const text = renderExposition([
      {
        name: 'ml_metrics_predictions_total',
        help: 'Predictions\nlogged',
        type: 'counter',
        samples: [
          { labels: { model: 'voice "main"', version: '1.0' }, value: 3 },
          { labels: { model: 'back\\slash', version: 'multi\nline' }, value: 4 },
        ],
      },
      { name: 'ml_metrics_accuracy', help: 'Accuracy', type: 'gauge', samples: [{ labels: { model: 'x', version: '1' }, value: 0.5 }] },
      { name: 'ml_metrics_recall', help: 'Recall', type: 'gauge', samples: [] },
    ]);
    expect(text).toBe(
      [
        '# HELP ml_metrics_predictions_total Predictions\\nlogged',
        '# TYPE ml_metrics_predictions_total counter',
        'ml_metrics_predictions_total{model="voice \\"main\\"",version="1.0"} 3',
        'ml_metrics_predictions_total{model="back\\\\slash",version="multi\\nline"} 4',
        '# HELP ml_metrics_accuracy Accuracy',
        '# TYPE ml_metrics_accuracy gauge',
        'ml_metrics_accuracy{model="x",version="1"} 0.5',
        '# HELP ml_metrics_recall Recall',
        '# TYPE ml_metrics_recall gauge',
        '',
      ].join('\n'),
    );
  });

  it('writes a sample without labels bare', () => {
    expect(renderExposition([{ name: 'up_x', help: 'h', type: 'gauge', samples: [{ labels: {}, value: 1 }] }])).toContain('\nup_x 1\n');
  });

  it('refuses invalid metric and label names, and a family given twice', () => {
    const family = (name: string, label = 'model') => ({ name, help: 'h', type: 'gauge' as const, samples: [{ labels: { [label]: 'v' }, value: 1 }] });
    expect(() => renderExposition([family('1bad')])).toThrow(/not a valid Prometheus metric name/);
    expect(() => renderExposition([family('ml-metrics')])).toThrow(/not a valid Prometheus metric name/);
    expect(() => renderExposition([family('ok', 'bad-label')])).toThrow(/not a valid Prometheus label name/);
    expect(() => renderExposition([family('ok', '__reserved')])).toThrow(/not a valid Prometheus label name/);
    expect(() => renderExposition([family('ok'), family('ok')])).toThrow(/given twice/);
  });
});
