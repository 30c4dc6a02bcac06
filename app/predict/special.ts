/**
 * Special functions the likelihoods need, for positive arguments only (every argument in these
 * models is a sum of positive parameters and non-negative counts).
 *
 * Both use the same scheme: shift the argument up past 10 with the recurrence, then the
 * asymptotic (Stirling / de Moivre) series, which is accurate to about 1e-15 there.
 */

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) return x === 0 ? Infinity : NaN;
  if (x < 1e-8) return -Math.log(x) - 0.5772156649015329 * x; // Γ(x) ≈ 1/x − γ near 0
  // ln Γ(x) = ln Γ(x + n) − ln(x (x+1) … (x+n−1)); ten factors below 10 cannot overflow
  let product = 1;
  while (x < 10) {
    product *= x;
    x += 1;
  }
  const shift = Math.log(product);
  const inv = 1 / x;
  const inv2 = inv * inv;
  // Bernoulli terms B2k / (2k (2k−1) x^(2k−1))
  const series =
    inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 * (1 / 1680 - inv2 * (1 / 1188 - inv2 * (691 / 360360))))));
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI + series - shift;
}

/** ψ(x) = d/dx ln Γ(x) for x > 0. */
export function digamma(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN;
  if (x < 1e-8) return -1 / x - 0.5772156649015329;
  let result = 0;
  while (x < 10) {
    result -= 1 / x;
    x += 1;
  }
  const inv = 1 / x;
  const inv2 = inv * inv;
  const series = inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132)))));
  return result + Math.log(x) - 0.5 * inv - series;
}

/** ln B(a, b) for a, b > 0. */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** ln(e^u + e^v) without overflow; −Infinity terms are allowed. */
export function logAddExp(u: number, v: number): number {
  if (u === -Infinity) return v;
  if (v === -Infinity) return u;
  return u > v ? u + Math.log1p(Math.exp(v - u)) : v + Math.log1p(Math.exp(u - v));
}
