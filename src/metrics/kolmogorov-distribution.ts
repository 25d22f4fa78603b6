/**
 * The distribution of the two-sided one-sample Kolmogorov–Smirnov statistic D_n: its survival
 * function P(D_n ≥ x), computed the way scipy's `kstwo.sf` (scipy/stats/_ksstats.py, `_kolmogn`,
 * after Simard & L'Ecuyer 2011) does, branch for branch: Ruben–Gambino's closed forms at both
 * ends, twice the one-sided Smirnov probability where it is exact (x ≥ 0.5) or the tail is small,
 * the Durbin matrix algorithm (Marsaglia–Tsang–Wang) for the exact CDF, and the Pelz–Good
 * asymptotic series for large n. One difference: where scipy uses Pomeranz's recursion (n ≤ 140,
 * 0.754693 < n x² ≤ 4) this uses the Durbin matrix too; both give the exact CDF.
 */

const E128 = 2 ** 128;
const EM128 = 2 ** -128;
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const LOG_2PI = Math.log(2 * Math.PI);
const MIN_LOG = -708;
const SQRT3 = Math.sqrt(3);
const PI2 = Math.PI ** 2;
const PI4 = Math.PI ** 4;
const PI6 = Math.PI ** 6;
const STIRLING = [
  -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4,
  -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2,
] as const;

const clip = (p: number): number => Math.min(1, Math.max(0, p));

/** P(D_n ≥ x) for the two-sided one-sample KS statistic of a sample of n (a whole number ≥ 1). */
export function kolmogorovSurvival(n: number, x: number): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`n must be a whole number of at least 1, got ${n}`);
  if (Number.isNaN(x)) return Number.NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    let prob: number;
    if (n <= 140) {
      prob = 1;
      for (let i = 1; i <= n; i++) prob *= i * (1 / n) * (2 * t - 1);
    } else {
      prob = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    }
    return clip(1 - prob);
  }
  if (t >= n - 1) return clip(2 * (1 - x) ** n);
  if (x >= 0.5) return clip(2 * smirnovSurvival(n, x));
  const nxSquared = t * x;
  if (n <= 140) {
    if (nxSquared <= 4) return clip(1 - durbinMatrixCdf(n, x));
    return clip(2 * smirnovSurvival(n, x));
  }
  if (nxSquared >= 370) return 0;
  if (nxSquared >= 2.2) return clip(2 * smirnovSurvival(n, x));
  const cdf = n <= 100_000 && n * x ** 1.5 <= 1.4 ? durbinMatrixCdf(n, x) : pelzGoodCdf(n, x);
  return clip(1 - cdf);
}

/** ln(n! / n^n) by Stirling's series. */
function logFactorialOverPower(n: number): number {
  const rn = 1 / n;
  let poly = 0;
  for (const coefficient of STIRLING) poly = poly * (rn / n) + coefficient;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
}

/**
 * P(D_n⁺ ≥ x), the one-sided Smirnov survival function, by the Birnbaum–Tingey sum
 * x Σ_{j=0}^{⌊n(1−x)⌋} C(n, j) (1 − x − j/n)^(n−j) (x + j/n)^(j−1), every term in logarithms
 * (all terms are positive: no cancellation).
 */
export function smirnovSurvival(n: number, x: number): number {
  if (x <= 0) return 1;
  if (x >= 1) return 0;
  const last = Math.floor(n * (1 - x));
  let logChoose = 0;
  let sum = 0;
  for (let j = 0; j <= last; j++) {
    if (j > 0) logChoose += Math.log(n - j + 1) - Math.log(j);
    const low = (n - j) / n - x;
    if (low <= 0 && n - j > 0) continue;
    const lowPart = n - j === 0 ? 0 : (n - j) * Math.log(low);
    sum += Math.exp(logChoose + lowPart + (j - 1) * Math.log(x + j / n));
  }
  return clip(x * sum);
}

/** P(D_n ≤ d) by Durbin's matrix, H^n with scaling as in Marsaglia, Tsang & Wang (2003). */
function durbinMatrixCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - h ** j) * fac;
  }
  const tt = Math.max(2 * h - 1, 0) ** m - 2 * h ** m;
  v[m - 1] = (1 + tt) * fac;
  let matrix: Float64Array = new Float64Array(m * m);
  for (let c = 1; c < m; c++) {
    for (let r = c - 1; r < m; r++) matrix[r * m + c] = w[r - c + 1]!;
  }
  for (let r = 0; r < m; r++) matrix[r * m] = v[r]!;
  for (let c = 0; c < m; c++) matrix[(m - 1) * m + c] = v[m - 1 - c]!;

  let power: Float64Array = identity(m);
  let remaining = n;
  let exponent = 0;
  let matrixExponent = 0;
  while (remaining > 0) {
    if (remaining % 2 === 1) {
      power = multiply(power, matrix, m);
      exponent += matrixExponent;
    }
    matrix = multiply(matrix, matrix, m);
    matrixExponent *= 2;
    if (Math.abs(matrix[(k - 1) * m + (k - 1)]!) > E128) {
      for (let i = 0; i < matrix.length; i++) matrix[i]! /= E128;
      matrixExponent += 128;
    }
    remaining = Math.floor(remaining / 2);
  }
  let p = power[(k - 1) * m + (k - 1)]!;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < EM128) {
      p *= E128;
      exponent -= 128;
    }
  }
  return clip(exponent === 0 ? p : p * 2 ** exponent);
}

function identity(m: number): Float64Array {
  const result = new Float64Array(m * m);
  for (let i = 0; i < m; i++) result[i * m + i] = 1;
  return result;
}

function multiply(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const result = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < m; l++) {
      const factor = a[i * m + l]!;
      if (factor === 0) continue;
      for (let j = 0; j < m; j++) result[i * m + j]! += factor * b[l * m + j]!;
    }
  }
  return result;
}

/** The Pelz–Good approximation of P(D_n ≤ x): Li-Chien/Korolyuk's series in 1/√n, in theta-function form. */
function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z ** 2;
  const z3 = z ** 3;
  const z4 = z ** 4;
  const z6 = z ** 6;
  const qlog = -PI2 / 8 / z2;
  if (qlog < MIN_LOG) return 0;
  let q = Math.exp(qlog);
  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  const terms = [0, 0, 0, 0];
  const maxK = Math.ceil((16 * z) / Math.PI);
  for (let k = maxK; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m ** 2;
    const m4 = m ** 4;
    const m6 = m ** 6;
    const qPower = q ** (8 * k);
    const coefficients = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6];
    for (let i = 0; i < 4; i++) terms[i] = terms[i]! * qPower + coefficients[i]!;
  }
  const divisors = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) terms[i] = (terms[i]! * q * SQRT_2PI) / divisors[i]!;
  q = Math.exp(-PI2 / 2 / z2);
  let k2extra = 0;
  let k3extra = 0;
  const sqrt3z = SQRT3 * z;
  for (let k = maxK; k > 0; k--) {
    const k2 = k * k;
    const qPower = q ** k2;
    k2extra += k2 * qPower;
    const kPi = Math.PI * k;
    k3extra += (sqrt3z + kPi) * (sqrt3z - kPi) * k2 * qPower;
  }
  terms[2] = terms[2]! + (k2extra * PI2 * SQRT_2PI) / (-36 * z3);
  terms[3] = terms[3]! + (k3extra * PI2 * SQRT_2PI) / (216 * z6);
  let sum = 0;
  for (let i = 0; i < 4; i++) sum += terms[i]! / n ** (i / 2);
  return sum;
}
