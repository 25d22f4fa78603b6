/**
 * ADWIN (ADaptive WINdowing; Bifet & Gavaldà 2007, the ADWIN2 variant with exponential
 * histograms) as River 0.26 runs it (`river.drift.ADWIN`, its Rust `AdaptiveWindowing`): the same
 * buckets, the same cut test, the same arithmetic order, and — as River's wrapper does — a fresh
 * detector after every detected change. Pure: values in, detections out.
 *
 * The window is kept as rows of buckets; row i holds up to `maxBuckets` (+1 before merging)
 * summaries of 2^i values each (sum and variance). Every `clock` values, once more than
 * `gracePeriod` have arrived, every split of the window into an older part W0 and a newer part W1
 * (both at least `minWindowLength` long) is tested: |mean(W0) − mean(W1)| > ε_cut, with
 * δ' = ln(2 ln(width) / δ), 1/m = 1/(n0 − minWindowLength + 1) + 1/(n1 − minWindowLength + 1) and
 * ε_cut = √(2 (1/m) σ²_W δ') + (2/3) δ' (1/m). On a cut the oldest bucket is dropped and the test
 * runs again, until no split differs.
 */

export interface AdwinOptions {
  /** Confidence of the cut test (smaller: fewer false alarms, later detection). */
  delta: number;
  /** Test for a change every `clock` values. */
  clock: number;
  /** Buckets of each size kept before two are merged. */
  maxBuckets: number;
  /** Shortest sub-window a cut may leave on either side. */
  minWindowLength: number;
  /** Values seen before the first test. */
  gracePeriod: number;
}

/** River's defaults. */
export const ADWIN_DEFAULTS: AdwinOptions = { delta: 0.002, clock: 32, maxBuckets: 5, minWindowLength: 5, gracePeriod: 10 };

/** What a detected change dropped and kept: means of the values before and after the cut. */
export interface AdwinChange {
  /** Mean of the values dropped from the old end of the window. */
  before: number;
  /** Mean of the values the window keeps. */
  after: number;
  /** How many values were dropped and kept. */
  dropped: number;
  kept: number;
}

interface Row {
  totals: number[];
  variances: number[];
}

export class Adwin {
  readonly #options: AdwinOptions;
  #rows: Row[] = [];
  #total = 0;
  #variance = 0;
  #width = 0;
  #tick = 0;
  #detected = false;

  constructor(options: Partial<AdwinOptions> = {}) {
    this.#options = { ...ADWIN_DEFAULTS, ...options };
    const { delta, clock, maxBuckets, minWindowLength, gracePeriod } = this.#options;
    if (!(delta > 0 && delta < 1)) throw new RangeError(`delta must be in (0, 1), got ${delta}`);
    for (const [what, value] of Object.entries({ clock, maxBuckets, minWindowLength })) {
      if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${what} must be a whole number of at least 1, got ${value}`);
    }
    if (!Number.isSafeInteger(gracePeriod) || gracePeriod < 0) throw new RangeError(`gracePeriod must be a whole number, got ${gracePeriod}`);
    this.#reset();
  }

  /** Values in the window. */
  get width(): number {
    return this.#width;
  }

  /** Mean of the window (0 when empty), River's `estimation`. */
  get estimation(): number {
    return this.#width === 0 ? 0 : this.#total / this.#width;
  }

  /** Adds a value; returns the change it revealed, or null. */
  update(value: number): AdwinChange | null {
    if (!Number.isFinite(value)) throw new RangeError(`ADWIN takes finite numbers, got ${value}`);
    if (this.#detected) this.#reset();
    this.#insert(value);
    const widthBefore = this.#width;
    const totalBefore = this.#total;
    this.#detected = this.#detectChange();
    if (!this.#detected) return null;
    const dropped = widthBefore - this.#width;
    return { before: (totalBefore - this.#total) / dropped, after: this.estimation, dropped, kept: this.#width };
  }

  #reset(): void {
    this.#rows = [{ totals: [], variances: [] }];
    this.#total = 0;
    this.#variance = 0;
    this.#width = 0;
    this.#tick = 0;
    this.#detected = false;
  }

  #insert(value: number): void {
    this.#rows[0]!.totals.push(value);
    this.#rows[0]!.variances.push(0);
    this.#width += 1;
    let increment = 0;
    if (this.#width > 1) {
      const deviation = value - this.#total / (this.#width - 1);
      increment = ((this.#width - 1) * deviation * deviation) / this.#width;
    }
    this.#variance += increment;
    this.#total += value;
    this.#compress();
  }

  /** Merges the two oldest buckets of a full row into one of the next row, row after row. */
  #compress(): void {
    const { maxBuckets } = this.#options;
    for (let i = 0; i < this.#rows.length; i++) {
      const row = this.#rows[i]!;
      if (row.totals.length !== maxBuckets + 1) return;
      const size = 2 ** i;
      const [t0, t1] = [row.totals[0]!, row.totals[1]!];
      const [v0, v1] = [row.variances[0]!, row.variances[1]!];
      const mu1 = t0 / size;
      const mu2 = t1 / size;
      const merged = v0 + v1 + size * 0.5 * (mu1 - mu2) * (mu1 - mu2);
      if (i + 1 >= this.#rows.length) this.#rows.push({ totals: [], variances: [] });
      this.#rows[i + 1]!.totals.push(t0 + t1);
      this.#rows[i + 1]!.variances.push(merged);
      row.totals.splice(0, 2);
      row.variances.splice(0, 2);
      if (this.#rows[i + 1]!.totals.length <= maxBuckets) return;
    }
  }

  /** Drops the oldest bucket. */
  #deleteOldest(): void {
    const last = this.#rows.length - 1;
    const row = this.#rows[last]!;
    const size = 2 ** last;
    const u = row.totals[0]!;
    const v = row.variances[0]!;
    const mu = u / size;
    this.#width -= size;
    this.#total -= u;
    const muWindow = this.#total / this.#width;
    this.#variance -= v + (size * this.#width * (mu - muWindow) * (mu - muWindow)) / (size + this.#width);
    row.totals.shift();
    row.variances.shift();
    if (row.totals.length === 0) this.#rows.pop();
  }

  #detectChange(): boolean {
    const { clock, gracePeriod, minWindowLength } = this.#options;
    let detected = false;
    this.#tick += 1;
    if (this.#tick % clock !== 0 || !(this.#width > gracePeriod)) return false;
    let reduce = true;
    while (reduce) {
      reduce = false;
      let n0 = 0;
      let n1 = this.#width;
      let u0 = 0;
      let u1 = this.#total;
      scan: for (let i = this.#rows.length - 1; i >= 0; i--) {
        const row = this.#rows[i]!;
        const size = 2 ** i;
        for (let k = 0; k < row.totals.length; k++) {
          n0 += size;
          n1 -= size;
          u0 += row.totals[k]!;
          u1 -= row.totals[k]!;
          if (i === 0 && k === row.totals.length - 1) break scan;
          const deltaMean = u0 / n0 - u1 / n1;
          if (n1 >= minWindowLength && n0 >= minWindowLength && this.#cut(n0, n1, deltaMean)) {
            reduce = true;
            detected = true;
            if (this.#width > 0) {
              this.#deleteOldest();
              break scan;
            }
          }
        }
      }
    }
    return detected;
  }

  #cut(n0: number, n1: number, deltaMean: number): boolean {
    const { delta, minWindowLength } = this.#options;
    const deltaPrime = Math.log((2 * Math.log(this.#width)) / delta);
    const mRecip = 1 / (n0 - minWindowLength + 1) + 1 / (n1 - minWindowLength + 1);
    const epsilon = Math.sqrt(2 * mRecip * (this.#variance / this.#width) * deltaPrime) + (2 / 3) * deltaPrime * mRecip;
    return Math.abs(deltaMean) > epsilon;
  }
}

/** Where ADWIN finds changes in a stream: the index of the value that revealed each, and its means. */
export function adwinChanges(values: Iterable<number>, options: Partial<AdwinOptions> = {}): Array<AdwinChange & { index: number }> {
  const detector = new Adwin(options);
  const changes: Array<AdwinChange & { index: number }> = [];
  let index = 0;
  for (const value of values) {
    const change = detector.update(value);
    if (change) changes.push({ index, ...change });
    index++;
  }
  return changes;
}
