import { describe, expect, it } from 'vitest';
import { decodeIdHashes, encodeIdHashes, idHash, IdHashIndex, sortedIdHashes } from '../../src/storage/id-hashes.js';

/** Two ids with the same 32-bit FNV-1a hash (found by search). */
const COLLIDING = ['pred-26381', 'pred-866480'] as const;

const hashes = (...ids: string[]) => sortedIdHashes(ids);

describe('idHash', () => {
  it('is 32-bit FNV-1a', () => {
    expect(idHash('')).toBe(0x811c9dc5);
    expect(idHash('a')).toBe(0xe40c292c);
    expect(idHash('foobar')).toBe(0xbf9cf968);
  });

  it('collides for the ids the collision tests use', () => {
    expect(idHash(COLLIDING[0])).toBe(3925204997);
    expect(idHash(COLLIDING[1])).toBe(3925204997);
  });
});

describe('encodeIdHashes / decodeIdHashes', () => {
  it('round-trips sorted hashes through base64', () => {
    const sorted = hashes('p-3', 'p-1', 'p-2');
    expect([...sorted]).toEqual([...sorted].sort((a, b) => a - b));
    expect([...decodeIdHashes(encodeIdHashes(sorted))]).toEqual([...sorted]);
    expect(encodeIdHashes(new Uint32Array([1, 0xffffffff]))).toBe(Buffer.from([1, 0, 0, 0, 255, 255, 255, 255]).toString('base64'));
    expect(decodeIdHashes('').length).toBe(0);
  });
});

describe('IdHashIndex', () => {
  it('finds the segment of each id after build', () => {
    const index = IdHashIndex.build([
      [1, hashes('a-1', 'a-2')],
      [2, hashes('b-1')],
      [7, hashes('c-1', 'c-2', 'c-3')],
    ]);
    expect(index.size).toBe(6);
    expect(index.candidates('a-2')).toEqual([1]);
    expect(index.candidates('b-1')).toEqual([2]);
    expect(index.candidates('c-3')).toEqual([7]);
    expect(index.candidates('missing')).toEqual([]);
  });

  it('adds a segment and removes one', () => {
    const index = IdHashIndex.build([[1, hashes('a-1')]]);
    index.add(3, hashes('d-1', 'd-2'));
    index.add(2, hashes('b-1'));
    expect(index.size).toBe(4);
    expect(index.candidates('d-2')).toEqual([3]);
    expect(index.candidates('b-1')).toEqual([2]);
    index.remove(3);
    expect(index.size).toBe(2);
    expect(index.candidates('d-1')).toEqual([]);
    expect(index.candidates('a-1')).toEqual([1]);
    expect(index.candidates('b-1')).toEqual([2]);
  });

  it('returns every segment that holds a colliding hash (the caller confirms), in segment order', () => {
    const index = IdHashIndex.build([
      [9, hashes(COLLIDING[1])],
      [4, hashes(COLLIDING[0], 'other')],
    ]);
    expect(index.candidates(COLLIDING[0])).toEqual([4, 9]);
    expect(index.candidates(COLLIDING[1])).toEqual([4, 9]);
    index.remove(4);
    expect(index.candidates(COLLIDING[0])).toEqual([9]);
  });

  it('after build, answers as a search over every segment would, whatever order the segments come in', () => {
    const segments: [number, string[]][] = [];
    for (let segment = 300; segment >= 1; segment -= 3) {
      segments.push([segment, Array.from({ length: 40 }, (_, i) => `s${(segment * 7919 + i * 104729) % 100_000}-${i}`)]);
    }
    segments.push([5, [COLLIDING[1], 'x-1']], [2, [COLLIDING[0]]]);
    const index = IdHashIndex.build(segments.map(([segment, ids]) => [segment, hashes(...ids)]));
    expect(index.size).toBe(segments.reduce((sum, [, ids]) => sum + ids.length, 0));
    for (const [, ids] of segments) {
      for (const id of ids) {
        const naive = segments.filter(([, other]) => other.some((o) => idHash(o) === idHash(id))).map(([segment]) => segment);
        expect(index.candidates(id)).toEqual([...new Set(naive)].sort((a, b) => a - b));
      }
    }
  });

  it('handles the extremes of hash and segment range', () => {
    const top = new Uint32Array([0xffffffff, 0]);
    const index = IdHashIndex.build([[2 ** 21 - 1, top]]);
    index.add(0, new Uint32Array([0xffffffff]));
    expect(index.size).toBe(3);
    expect(() => IdHashIndex.build([[2 ** 21, top]])).toThrow(RangeError);
  });
});
