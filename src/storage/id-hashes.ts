/** 32-bit FNV-1a of a string's UTF-16 code units: a compact, stable key for id look-ups. */
export function idHash(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i += 1) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function sortedIdHashes(ids: Iterable<string>): Uint32Array {
  const hashes = Uint32Array.from(ids, idHash);
  hashes.sort();
  return hashes;
}

export function encodeIdHashes(hashes: Uint32Array): string {
  const bytes = Buffer.alloc(hashes.length * 4);
  hashes.forEach((hash, index) => bytes.writeUInt32LE(hash, index * 4));
  return bytes.toString('base64');
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export function decodeIdHashes(text: string): Uint32Array {
  const bytes = Buffer.from(text, 'base64');
  const hashes = new Uint32Array(bytes.length >>> 2);
  // The stored bytes are little-endian, as this machine's Uint32Array most likely is: one copy (start-up decodes 1,000,000).
  if (LITTLE_ENDIAN) new Uint8Array(hashes.buffer).set(bytes.subarray(0, hashes.length * 4));
  else for (let index = 0; index < hashes.length; index += 1) hashes[index] = bytes.readUInt32LE(index * 4);
  return hashes;
}

const SEGMENT_SLOTS = 2 ** 21;
/** Buckets of the counting sort in IdHashIndex.build: by the top 16 bits of the hash. */
const BUCKETS = 2 ** 16;

/**
 * Which sealed segments may hold an id: every (id hash, segment) pair, sorted, in one
 * Float64Array (hash × 2^21 + segment is exact below 2^53), so a look-up is one binary search
 * whatever the number of segments. A hit is a candidate (hashes collide); the caller confirms it.
 */
export class IdHashIndex {
  #keys: Float64Array = new Float64Array(0);

  /**
   * The index of every segment's hashes. A counting sort by the top 16 bits of the hash, then an
   * insertion sort of each bucket (~15 keys at 1,000,000 stored): a few times cheaper at start-up
   * than sorting the 1,000,000 keys whole, and the same keys in the same order.
   */
  static build(segments: Iterable<[segment: number, hashes: Uint32Array]>): IdHashIndex {
    const index = new IdHashIndex();
    const parts = [...segments];
    const starts = new Uint32Array(BUCKETS + 1);
    let total = 0;
    for (const [segment, hashes] of parts) {
      if (segment >= SEGMENT_SLOTS) throw new RangeError(`segment number ${segment} is beyond the id index's range`);
      total += hashes.length;
      for (let i = 0; i < hashes.length; i += 1) starts[(hashes[i]! >>> 16) + 1]! += 1;
    }
    for (let bucket = 1; bucket <= BUCKETS; bucket += 1) starts[bucket]! += starts[bucket - 1]!;
    // Filling moves each bucket's start to its end, which is the next bucket's start.
    const keys = new Float64Array(total);
    for (const [segment, hashes] of parts) {
      for (let i = 0; i < hashes.length; i += 1) {
        const hash = hashes[i]!;
        keys[starts[hash >>> 16]!++] = hash * SEGMENT_SLOTS + segment;
      }
    }
    let start = 0;
    for (let bucket = 0; bucket < BUCKETS; bucket += 1) {
      const end = starts[bucket]!;
      for (let i = start + 1; i < end; i += 1) {
        const key = keys[i]!;
        let j = i - 1;
        for (; j >= start && keys[j]! > key; j -= 1) keys[j + 1] = keys[j]!;
        keys[j + 1] = key;
      }
      start = end;
    }
    index.#keys = keys;
    return index;
  }

  static #encode(segment: number, hashes: Uint32Array): Float64Array {
    if (segment >= SEGMENT_SLOTS) throw new RangeError(`segment number ${segment} is beyond the id index's range`);
    const keys = new Float64Array(hashes.length);
    hashes.forEach((hash, i) => {
      keys[i] = hash * SEGMENT_SLOTS + segment;
    });
    return keys;
  }

  get size(): number {
    return this.#keys.length;
  }

  /** Adds a newly sealed segment's hashes. */
  add(segment: number, hashes: Uint32Array): void {
    const added = IdHashIndex.#encode(segment, hashes);
    added.sort();
    // Merge two sorted arrays.
    const merged = new Float64Array(this.#keys.length + added.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < this.#keys.length && j < added.length) merged[k++] = this.#keys[i]! <= added[j]! ? this.#keys[i++]! : added[j++]!;
    while (i < this.#keys.length) merged[k++] = this.#keys[i++]!;
    while (j < added.length) merged[k++] = added[j++]!;
    this.#keys = merged;
  }

  /** Forgets a segment (its raw records were dropped). */
  remove(segment: number): void {
    this.#keys = this.#keys.filter((key) => key % SEGMENT_SLOTS !== segment);
  }

  /** Segments whose ids include one with this id's hash. */
  candidates(id: string): number[] {
    const hash = idHash(id);
    const lowest = hash * SEGMENT_SLOTS;
    let low = 0;
    let high = this.#keys.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.#keys[mid]! < lowest) low = mid + 1;
      else high = mid;
    }
    const found: number[] = [];
    for (let i = low; i < this.#keys.length && this.#keys[i]! < lowest + SEGMENT_SLOTS; i += 1) {
      found.push(this.#keys[i]! - lowest);
    }
    return found;
  }
}
