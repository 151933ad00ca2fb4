/**
 * CAM (camSize² values, row-major) -> heat in [0,1] at outSize²: relu, divide by the max (an all-zero map
 * stays zero), bilinear upsampling with PyTorch's align_corners=false convention.
 */
export function camToHeatmap(cam: Float32Array, camSize: number, outSize: number): Float32Array {
  let max = 0;
  for (const v of cam) if (v > max) max = v;
  const norm = Float32Array.from(cam, (v) => (max > 0 && v > 0 ? v / max : 0));
  const out = new Float32Array(outSize * outSize);
  const scale = camSize / outSize;
  // Source coordinate of output pixel i: (i + 0.5)·scale − 0.5, clamped below at 0 (torch semantics).
  const axis = Array.from({ length: outSize }, (_, i) => {
    const src = Math.max((i + 0.5) * scale - 0.5, 0);
    const i0 = Math.min(Math.floor(src), camSize - 1);
    return { i0, i1: Math.min(i0 + 1, camSize - 1), t: src - i0 };
  });
  for (let y = 0; y < outSize; y++) {
    const { i0: y0, i1: y1, t: ty } = axis[y];
    for (let x = 0; x < outSize; x++) {
      const { i0: x0, i1: x1, t: tx } = axis[x];
      const top = norm[y0 * camSize + x0] * (1 - tx) + norm[y0 * camSize + x1] * tx;
      const bottom = norm[y1 * camSize + x0] * (1 - tx) + norm[y1 * camSize + x1] * tx;
      out[y * outSize + x] = top * (1 - ty) + bottom * ty;
    }
  }
  return out;
}
