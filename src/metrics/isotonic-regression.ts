/**
 * A fitted increasing isotonic regression: the thresholds scikit-learn's
 * `IsotonicRegression(out_of_bounds='clip')` keeps after `fit` (`X_thresholds_`, `y_thresholds_`).
 */
export interface IsotonicFit {
  xThresholds: number[];
  yThresholds: number[];
}

/** numpy's `finfo(float64).resolution`: sklearn merges x values closer than this. */
const X_RESOLUTION = 1e-15;

/**
 * Fits an increasing isotonic regression of `y` on `x`, exactly as scikit-learn's
 * `IsotonicRegression(increasing=True, out_of_bounds='clip').fit(x, y)` does:
 * 1. sort by x, then y (`np.lexsort((y, x))`);
 * 2. merge runs of x closer than 1e-15 to the first of the run into one point whose y is their
 *    mean and whose weight is their count (`_make_unique`);
 * 3. pool adjacent violators (weighted block means) until the y are non-decreasing;
 * 4. drop every point but the first and last whose y equals both neighbours' (`trim_duplicates`).
 * Pure.
 *
 * @throws RangeError for empty input, unequal lengths or values that are not finite.
 */
export function fitIsotonic(x: readonly number[], y: readonly number[]): IsotonicFit {
  if (x.length !== y.length) throw new RangeError(`x and y must be as long as each other (${x.length} and ${y.length})`);
  if (x.length === 0) throw new RangeError('isotonic regression needs at least one point');
  for (let index = 0; index < x.length; index += 1) {
    if (!Number.isFinite(x[index]) || !Number.isFinite(y[index])) throw new RangeError(`point ${index} is not finite: (${x[index]}, ${y[index]})`);
  }
  const order = x.map((_, index) => index).sort((a, b) => x[a]! - x[b]! || y[a]! - y[b]!);

  // _make_unique: runs of x within the resolution of the run's first x become one weighted point.
  const uniqueX: number[] = [];
  const sums: number[] = [];
  const weights: number[] = [];
  for (const index of order) {
    const last = uniqueX.length - 1;
    if (last >= 0 && x[index]! - uniqueX[last]! < X_RESOLUTION) {
      sums[last]! += y[index]!;
      weights[last]! += 1;
    } else {
      uniqueX.push(x[index]!);
      sums.push(y[index]!);
      weights.push(1);
    }
  }

  // Pool adjacent violators: a stack of blocks (sum, weight, how many points), merged while the
  // newest block's mean is below the one before it.
  const blockSum: number[] = [];
  const blockWeight: number[] = [];
  const blockSize: number[] = [];
  for (let index = 0; index < uniqueX.length; index += 1) {
    blockSum.push(sums[index]!);
    blockWeight.push(weights[index]!);
    blockSize.push(1);
    while (blockSum.length > 1) {
      const top = blockSum.length - 1;
      if (blockSum[top - 1]! / blockWeight[top - 1]! <= blockSum[top]! / blockWeight[top]!) break;
      blockSum[top - 1]! += blockSum[top]!;
      blockWeight[top - 1]! += blockWeight[top]!;
      blockSize[top - 1]! += blockSize[top]!;
      blockSum.pop();
      blockWeight.pop();
      blockSize.pop();
    }
  }
  const fitted: number[] = [];
  blockSum.forEach((sum, block) => {
    const mean = sum / blockWeight[block]!;
    for (let point = 0; point < blockSize[block]!; point += 1) fitted.push(mean);
  });

  const xThresholds: number[] = [];
  const yThresholds: number[] = [];
  const last = fitted.length - 1;
  for (let index = 0; index <= last; index += 1) {
    const interior = index > 0 && index < last;
    if (interior && fitted[index] === fitted[index - 1] && fitted[index] === fitted[index + 1]) continue;
    xThresholds.push(uniqueX[index]!);
    yThresholds.push(fitted[index]!);
  }
  return { xThresholds, yThresholds };
}

/**
 * The fitted value at `t`, as scikit-learn's `predict` with `out_of_bounds='clip'`: `t` is
 * clipped to the fitted x range, then interpolated linearly between the thresholds around it
 * (scipy's `interp1d(kind='linear')`); a fit with one threshold is that constant. Pure.
 */
export function predictIsotonic(fit: IsotonicFit, t: number): number {
  const { xThresholds: xs, yThresholds: ys } = fit;
  if (xs.length === 1) return ys[0]!;
  const clipped = Math.min(Math.max(t, xs[0]!), xs[xs.length - 1]!);
  // interp1d: ind = searchsorted(xs, t) (side left), clipped to [1, n - 1]; lo = ind - 1, hi = ind.
  let low = 0;
  let high = xs.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (xs[middle]! < clipped) low = middle + 1;
    else high = middle;
  }
  const hi = Math.min(Math.max(low, 1), xs.length - 1);
  const lo = hi - 1;
  const slope = (ys[hi]! - ys[lo]!) / (xs[hi]! - xs[lo]!);
  return slope * (clipped - xs[lo]!) + ys[lo]!;
}
