/** Logistic function, stable for large |x|. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Softmax with the max subtracted first, so large logits never overflow. */
export function softmax(v: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let i = 0; i < v.length; i++) max = Math.max(max, v[i]);
  const exps = Array.from(v, (x) => Math.exp(x - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

/** Stable BCE-with-logits with pos_weight, as PyTorch: −[w·y·log σ(z) + (1−y)·log(1−σ(z))]. */
export function bceFromLogit(z: number, y: number, posWeight: number): number {
  const logSigmoid = -Math.log1p(Math.exp(-Math.abs(z))) + Math.min(z, 0);
  const logOneMinus = logSigmoid - z;
  return -(posWeight * y * logSigmoid + (1 - y) * logOneMinus);
}
