/** Pure-JS permutations between torch conv layout OIHW and tfjs conv layout HWIO. */

/** OIHW [o,i,h,w] -> HWIO [h,w,i,o]. */
export function oihwToHwio(src: Float32Array, [o, i, h, w]: number[]): Float32Array {
  const dst = new Float32Array(src.length);
  for (let oo = 0; oo < o; oo++)
    for (let ii = 0; ii < i; ii++)
      for (let hh = 0; hh < h; hh++)
        for (let ww = 0; ww < w; ww++) dst[((hh * w + ww) * i + ii) * o + oo] = src[((oo * i + ii) * h + hh) * w + ww];
  return dst;
}

/** HWIO [h,w,i,o] -> OIHW [o,i,h,w]; the dims given are the torch (OIHW) ones. */
export function hwioToOihw(src: Float32Array, [o, i, h, w]: number[]): Float32Array {
  const dst = new Float32Array(src.length);
  for (let oo = 0; oo < o; oo++)
    for (let ii = 0; ii < i; ii++)
      for (let hh = 0; hh < h; hh++)
        for (let ww = 0; ww < w; ww++) dst[((oo * i + ii) * h + hh) * w + ww] = src[((hh * w + ww) * i + ii) * o + oo];
  return dst;
}

/** NCHW -> NHWC for image batches. */
export function nchwToNhwc(src: Float32Array, [n, c, h, w]: number[]): Float32Array {
  const dst = new Float32Array(src.length);
  for (let nn = 0; nn < n; nn++)
    for (let cc = 0; cc < c; cc++)
      for (let p = 0; p < h * w; p++) dst[(nn * h * w + p) * c + cc] = src[(nn * c + cc) * h * w + p];
  return dst;
}

export function numel(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
