/** Shared shapes and parameter transforms of the model fits. */

/** One number per customer: a typed array for a large shop, a plain array in tests. */
export type Columns = ArrayLike<number>;

/**
 * e^(B·tanh(u/B)): a positive parameter searched over all real u, equal to e^u near zero and held
 * inside [e^−B, e^B], so the optimiser can never leave the box nor produce an infinite parameter.
 */
export function boundedExp(u: number, bound: number): number {
  return Math.exp(bound * Math.tanh(u / bound));
}

/** d/du of boundedExp(u), given its value. */
export function boundedExpSlope(u: number, value: number, bound: number): number {
  const t = Math.tanh(u / bound);
  return value * (1 - t * t);
}
