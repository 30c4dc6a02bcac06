/**
 * Unconstrained minimisers for the model fits: L-BFGS with a strong-Wolfe line search (the one the
 * app uses, with analytic gradients), and Nelder–Mead (derivative-free; the benchmark's baseline and
 * a cross-check in the tests).
 *
 * An objective may return a non-finite value where the model is undefined; both methods treat it
 * as +Infinity and step back, so no NaN ever reaches the caller's parameters.
 */

export type Objective = (theta: Float64Array, gradient: Float64Array) => number;

export interface MinimizeResult {
  theta: Float64Array;
  value: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  /** why it stopped: "gradient", "no-progress" or "max-iterations" */
  stop: "gradient" | "no-progress" | "max-iterations";
}

export interface LbfgsOptions {
  maxIterations?: number;
  /** stop when the largest gradient component is below this */
  gradientTolerance?: number;
  /** pairs kept for the inverse-Hessian approximation */
  memory?: number;
}

function dot(u: Float64Array, v: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < u.length; i++) sum += u[i]! * v[i]!;
  return sum;
}

function maxAbs(u: Float64Array): number {
  let max = 0;
  for (let i = 0; i < u.length; i++) max = Math.max(max, Math.abs(u[i]!));
  return max;
}

function finite(value: number): number {
  return Number.isFinite(value) ? value : Infinity;
}

/** Minimises `objective` from `start` (not modified). */
export function lbfgs(objective: Objective, start: ArrayLike<number>, options: LbfgsOptions = {}): MinimizeResult {
  const n = start.length;
  const maxIterations = options.maxIterations ?? 500;
  const tolerance = options.gradientTolerance ?? 1e-9;
  const memory = options.memory ?? 8;

  let x: Float64Array = Float64Array.from(start);
  let g: Float64Array = new Float64Array(n);
  let evaluations = 1;
  let f = finite(objective(x, g));
  if (!Number.isFinite(f)) throw new RangeError("the objective is not finite at the starting point");

  const sHistory: Float64Array[] = [];
  const yHistory: Float64Array[] = [];
  const rhoHistory: number[] = [];
  const direction = new Float64Array(n);
  const alphas = new Float64Array(memory);

  for (let iteration = 0; iteration < maxIterations; iteration++) {
    if (maxAbs(g) < tolerance) return { theta: x, value: f, iterations: iteration, evaluations, converged: true, stop: "gradient" };

    // two-loop recursion: direction = −H g
    for (let i = 0; i < n; i++) direction[i] = -g[i]!;
    for (let k = sHistory.length - 1; k >= 0; k--) {
      const a = rhoHistory[k]! * dot(sHistory[k]!, direction);
      alphas[k] = a;
      const y = yHistory[k]!;
      for (let i = 0; i < n; i++) direction[i]! -= a * y[i]!;
    }
    if (sHistory.length > 0) {
      const last = sHistory.length - 1;
      const scale = dot(sHistory[last]!, yHistory[last]!) / dot(yHistory[last]!, yHistory[last]!);
      for (let i = 0; i < n; i++) direction[i]! *= scale;
    } else {
      // first step: a unit-length move along the steepest descent
      const norm = Math.sqrt(dot(g, g));
      for (let i = 0; i < n; i++) direction[i]! /= Math.max(norm, 1);
    }
    for (let k = 0; k < sHistory.length; k++) {
      const b = rhoHistory[k]! * dot(yHistory[k]!, direction);
      const s = sHistory[k]!;
      for (let i = 0; i < n; i++) direction[i]! += s[i]! * (alphas[k]! - b);
    }
    let slope = dot(g, direction);
    if (!(slope < 0)) {
      // the approximation lost positive definiteness: restart from steepest descent
      sHistory.length = yHistory.length = rhoHistory.length = 0;
      for (let i = 0; i < n; i++) direction[i] = -g[i]!;
      slope = dot(g, direction);
    }

    const step = wolfeLineSearch(objective, x, f, g, direction, slope);
    evaluations += step.evaluations;
    if (!step.found) return { theta: x, value: f, iterations: iteration, evaluations, converged: maxAbs(g) < tolerance * 1e3, stop: "no-progress" };

    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = step.x[i]! - x[i]!;
      y[i] = step.g[i]! - g[i]!;
    }
    const sy = dot(s, y);
    if (sy > 1e-300) {
      if (sHistory.length === memory) {
        sHistory.shift();
        yHistory.shift();
        rhoHistory.shift();
      }
      sHistory.push(s);
      yHistory.push(y);
      rhoHistory.push(1 / sy);
    }
    const decrease = f - step.f;
    x = step.x;
    g = step.g;
    f = step.f;
    if (decrease <= 1e-15 * Math.max(1, Math.abs(f)) && maxAbs(g) < tolerance * 1e3) {
      return { theta: x, value: f, iterations: iteration + 1, evaluations, converged: true, stop: "no-progress" };
    }
  }
  return { theta: x, value: f, iterations: maxIterations, evaluations, converged: maxAbs(g) < tolerance, stop: "max-iterations" };
}

interface LineSearchResult {
  found: boolean;
  x: Float64Array;
  f: number;
  g: Float64Array;
  evaluations: number;
}

/** A step length satisfying the strong Wolfe conditions (Nocedal & Wright, algorithms 3.5 and 3.6). */
function wolfeLineSearch(objective: Objective, x0: Float64Array, f0: number, g0: Float64Array, direction: Float64Array, slope0: number): LineSearchResult {
  const c1 = 1e-4;
  const c2 = 0.9;
  const n = x0.length;
  let evaluations = 0;

  const at = (alpha: number): { alpha: number; x: Float64Array; f: number; g: Float64Array; slope: number } => {
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = x0[i]! + alpha * direction[i]!;
    const g = new Float64Array(n);
    const f = finite(objective(x, g));
    evaluations++;
    return { alpha, x, f, g, slope: Number.isFinite(f) ? dot(g, direction) : NaN };
  };
  type Point = ReturnType<typeof at>;
  const start: Point = { alpha: 0, x: x0, f: f0, g: g0, slope: slope0 };

  const zoom = (lowIn: Point, highIn: Point): Point | null => {
    let low = lowIn;
    let high = highIn;
    for (let i = 0; i < 40; i++) {
      // bisection guarded cubic would be faster; bisection is enough for four parameters
      const point = at(0.5 * (low.alpha + high.alpha));
      if (point.f > f0 + c1 * point.alpha * slope0 || point.f >= low.f) {
        high = point;
      } else {
        if (Math.abs(point.slope) <= -c2 * slope0) return point;
        if (point.slope * (high.alpha - low.alpha) >= 0) high = low;
        low = point;
      }
      if (Math.abs(high.alpha - low.alpha) < 1e-16) break;
    }
    return low.alpha > 0 && low.f < f0 ? low : null;
  };

  let previous = start;
  let alpha = 1;
  for (let i = 0; i < 60; i++) {
    const point = at(alpha);
    if (!Number.isFinite(point.f)) {
      // undefined there: shrink towards the last good point
      alpha = previous.alpha + 0.25 * (alpha - previous.alpha);
      continue;
    }
    if (point.f > f0 + c1 * alpha * slope0 || (i > 0 && point.f >= previous.f)) {
      const result = zoom(previous, point);
      return result ? { found: true, ...result, evaluations } : { found: false, x: x0, f: f0, g: g0, evaluations };
    }
    if (Math.abs(point.slope) <= -c2 * slope0) return { found: true, ...point, evaluations };
    if (point.slope >= 0) {
      const result = zoom(point, previous);
      return result ? { found: true, ...result, evaluations } : { found: false, x: x0, f: f0, g: g0, evaluations };
    }
    previous = point;
    alpha *= 2;
  }
  return previous.alpha > 0 ? { found: true, ...previous, evaluations } : { found: false, x: x0, f: f0, g: g0, evaluations };
}

export interface NelderMeadOptions {
  maxEvaluations?: number;
  /** stop when the simplex's values differ by less than this */
  tolerance?: number;
  initialStep?: number;
}

/** Derivative-free Nelder–Mead simplex minimisation (standard coefficients 1, 2, ½, ½). */
export function nelderMead(value: (theta: Float64Array) => number, start: ArrayLike<number>, options: NelderMeadOptions = {}): MinimizeResult {
  const n = start.length;
  const maxEvaluations = options.maxEvaluations ?? 5000;
  const tolerance = options.tolerance ?? 1e-10;
  const step = options.initialStep ?? 0.5;
  let evaluations = 0;
  const evaluate = (x: Float64Array) => {
    evaluations++;
    return finite(value(x));
  };

  const simplex: { x: Float64Array; f: number }[] = [];
  const origin = Float64Array.from(start);
  simplex.push({ x: origin, f: evaluate(origin) });
  for (let i = 0; i < n; i++) {
    const x = Float64Array.from(start);
    x[i]! += step;
    simplex.push({ x, f: evaluate(x) });
  }
  let iterations = 0;
  const combine = (a: Float64Array, b: Float64Array, t: number) => {
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = a[i]! + t * (b[i]! - a[i]!);
    return x;
  };
  while (evaluations < maxEvaluations) {
    simplex.sort((p, q) => p.f - q.f);
    const best = simplex[0]!;
    const worst = simplex[n]!;
    if (Math.abs(worst.f - best.f) <= tolerance * Math.max(1, Math.abs(best.f))) {
      return { theta: best.x, value: best.f, iterations, evaluations, converged: true, stop: "gradient" };
    }
    iterations++;
    const centroid = new Float64Array(n);
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) centroid[i]! += simplex[k]!.x[i]! / n;
    const reflected = combine(centroid, worst.x, -1);
    const fr = evaluate(reflected);
    if (fr < best.f) {
      const expanded = combine(centroid, worst.x, -2);
      const fe = evaluate(expanded);
      simplex[n] = fe < fr ? { x: expanded, f: fe } : { x: reflected, f: fr };
    } else if (fr < simplex[n - 1]!.f) {
      simplex[n] = { x: reflected, f: fr };
    } else {
      const contracted = fr < worst.f ? combine(centroid, reflected, 0.5) : combine(centroid, worst.x, 0.5);
      const fc = evaluate(contracted);
      if (fc < Math.min(fr, worst.f)) {
        simplex[n] = { x: contracted, f: fc };
      } else {
        for (let k = 1; k <= n; k++) {
          const x = combine(best.x, simplex[k]!.x, 0.5);
          simplex[k] = { x, f: evaluate(x) };
        }
      }
    }
  }
  simplex.sort((p, q) => p.f - q.f);
  return { theta: simplex[0]!.x, value: simplex[0]!.f, iterations, evaluations, converged: false, stop: "max-iterations" };
}
