/**
 * The standard normal distribution: its CDF by W. J. Cody's rational Chebyshev approximations
 * (Math. Comp. 23, 1969; the algorithm behind R's `pnorm`), and its quantile by P. J. Acklam's
 * algorithm refined with one Halley step. Lower-tail probabilities keep full relative precision
 * (a few units in the last place down to 1e-308); write an upper tail P(Z > x) as normalCdf(-x).
 */

const INV_SQRT_2PI = 0.3989422804014327; // 1 / sqrt(2 pi)
const SQRT_2PI = 2.5066282746310002;
const SQRT_32 = 5.656854249492381;
/** Beyond this |x| the smaller tail underflows to 0. */
const TAIL_UNDERFLOW = 37.5193;

// Cody's coefficients: |x| <= 0.67448975 (A, B), up to sqrt(32) (C, D), beyond (P, Q).
const A = [
  2.2352520354606839287,
  161.02823106855587881,
  1067.6894854603709582,
  18154.981253343561249,
  0.065682337918207449113,
] as const;
const B = [
  47.20258190468824187,
  976.09855173777669322,
  10260.932208618978205,
  45507.789335026729956,
] as const;
const C = [
  0.39894151208813466764,
  8.8831497943883759412,
  93.506656132177855979,
  597.27027639480026226,
  2494.5375852903726711,
  6848.1904505362823326,
  11602.651437647350124,
  9842.7148383839780218,
  1.0765576773720192317e-8,
] as const;
const D = [
  22.266688044328115691,
  235.38790178262499861,
  1519.377599407554805,
  6485.558298266760755,
  18615.571640885098091,
  34900.952721145977266,
  38912.003286093271411,
  19685.429676859990727,
] as const;
const P = [
  0.21589853405795699,
  0.1274011611602473639,
  0.022235277870649807,
  0.001421619193227893466,
  2.9112874951168792e-5,
  0.02307344176494017303,
] as const;
const Q = [
  1.28426009614491121,
  0.468238212480865118,
  0.0659881378689285515,
  0.00378239633202758244,
  7.29751555083966205e-5,
] as const;

/** P(Z <= x) for a standard normal Z. NaN for NaN. */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const y = Math.abs(x);
  if (y <= 0.67448975) {
    const ysq = y * y;
    let num = A[4] * ysq;
    let den = ysq;
    for (let i = 0; i < 3; i++) {
      num = (num + A[i]!) * ysq;
      den = (den + B[i]!) * ysq;
    }
    return 0.5 + (x * (num + A[3])) / (den + B[3]);
  }
  const tail = smallerTail(y);
  return x > 0 ? 1 - tail : tail;
}

/** P(Z > y) for y > 0.67448975, computed without cancellation. */
function smallerTail(y: number): number {
  if (y >= TAIL_UNDERFLOW) return 0;
  let factor: number;
  if (y <= SQRT_32) {
    let num = C[8] * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]!) * y;
      den = (den + D[i]!) * y;
    }
    factor = (num + C[7]) / (den + D[7]);
  } else {
    const inverseSquare = 1 / (y * y);
    let num = P[5] * inverseSquare;
    let den = inverseSquare;
    for (let i = 0; i < 4; i++) {
      num = (num + P[i]!) * inverseSquare;
      den = (den + Q[i]!) * inverseSquare;
    }
    factor = (INV_SQRT_2PI - (inverseSquare * (num + P[4])) / (den + Q[4])) / y;
  }
  // exp(-y^2/2) split so that the rounding of y^2 does not cost relative accuracy.
  const coarse = Math.trunc(y * 16) / 16;
  const rest = (y - coarse) * (y + coarse);
  return Math.exp(-coarse * coarse * 0.5) * Math.exp(-rest * 0.5) * factor;
}

// Acklam's coefficients: central region (a, b), lower tail (c, d).
const AC = [
  -3.969683028665376e1,
  2.209460984245205e2,
  -2.759285104469687e2,
  1.38357751867269e2,
  -3.066479806614716e1,
  2.506628277459239,
] as const;
const BC = [
  -5.447609879822406e1,
  1.615858368580409e2,
  -1.556989798598866e2,
  6.680131188771972e1,
  -1.328068155288572e1,
] as const;
const CT = [
  -7.784894002430293e-3,
  -3.223964580411365e-1,
  -2.400758277161838,
  -2.549732539343734,
  4.374664141464968,
  2.938163982698783,
] as const;
const DT = [
  7.784695709041462e-3,
  3.224671290700398e-1,
  2.445134137142996,
  3.754408661907416,
] as const;
const P_LOW = 0.02425;

/** x with P(Z <= x) = p. -Infinity for 0, Infinity for 1, NaN outside [0, 1]. */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  // Work in the lower tail, where both p and the CDF are accurate; 1 - p is exact for p >= 0.5.
  return p > 0.5 ? -lowerQuantile(1 - p) : lowerQuantile(p);
}

/** Quantile for 0 < p <= 0.5. */
function lowerQuantile(p: number): number {
  let x: number;
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((CT[0] * q + CT[1]) * q + CT[2]) * q + CT[3]) * q + CT[4]) * q + CT[5]) /
      ((((DT[0] * q + DT[1]) * q + DT[2]) * q + DT[3]) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((AC[0] * r + AC[1]) * r + AC[2]) * r + AC[3]) * r + AC[4]) * r + AC[5]) * q) /
      (((((BC[0] * r + BC[1]) * r + BC[2]) * r + BC[3]) * r + BC[4]) * r + 1);
  }
  // One Halley step on CDF(x) - p brings Acklam's 1.15e-9 relative error down to rounding level.
  if (x <= -TAIL_UNDERFLOW) return x;
  const u = (normalCdf(x) - p) * SQRT_2PI * Math.exp((x * x) / 2);
  return Number.isFinite(u) ? x - u / (1 + (x * u) / 2) : x;
}
