import { describe, expect, it } from 'vitest';
import { displayWidth, formatPairs, formatTable } from '../../src/cli/format-table.js';

describe('formatTable', () => {
  const rows = [
    { name: 'voice_recognition', count: 1250 },
    { name: 'intent', count: 7 },
  ];

  it('pads columns to their widest cell, numbers to the right, with a rule under the header', () => {
    const text = formatTable(rows, [
      { header: 'model', value: (row) => row.name },
      { header: 'n', align: 'right', value: (row) => String(row.count) },
    ]);
    expect(text.split('\n')).toEqual([
      'model                 n',
      '─────────────────  ────',
      'voice_recognition  1250',
      'intent                7',
    ]);
  });

  it('leaves no trailing spaces and no trailing newline', () => {
    const text = formatTable(rows, [
      { header: 'n', align: 'right', value: (row) => String(row.count) },
      { header: 'model', value: (row) => row.name },
    ]);
    for (const line of text.split('\n')) expect(line).toBe(line.trimEnd());
    expect(text.endsWith('\n')).toBe(false);
  });

  it('prints the header alone when there are no rows', () => {
    expect(formatTable([], [{ header: 'model', value: () => '' }])).toBe('model\n─────');
  });

  it('counts code points, so accents and symbols keep columns aligned', () => {
    const text = formatTable(
      [{ label: 'café', mark: '✓' }, { label: 'thé', mark: '✗' }],
      [
        { header: 'label', value: (row) => row.label },
        { header: 'ok', value: (row) => row.mark },
      ],
    );
    const [header, , first, second] = text.split('\n');
    expect(header).toBe('label  ok');
    expect(first).toBe('café   ✓');
    expect(second).toBe('thé    ✗');
    expect(displayWidth('😀a')).toBe(2);
  });

  it('keeps each row on one line when a cell holds line breaks or tabs', () => {
    const text = formatTable([{ v: 'a\nb\tc' }], [{ header: 'v', value: (row) => row.v }]);
    expect(text.split('\n')).toHaveLength(3);
    expect(text).toContain('a b c');
  });
});

describe('formatPairs', () => {
  it('aligns values after the longest label', () => {
    expect(formatPairs([['window', 'all'], ['version', '1.0']])).toBe('window   all\nversion  1.0');
  });
});
