type Operand = 'row' | 'depth';

/**
 * WGSL loadA of a convolution GEMM that gathers from the NHWC input `x`, 0 in the padding. `origin` is the
 * argument holding (top row, left column, b · inH) of the receptive field, the other one (r, s, input channel):
 * the output position is A's row in the forward pass and A's depth in the filter gradient.
 */
export function paddedInputLoad(origin: Operand): string {
  const tap = origin === 'row' ? 'depth' : 'row';
  return `fn loadA(row : vec4<i32>, depth : vec4<i32>) -> f32 {
        let xr = ${origin}.x + ${tap}.x;
        let xc = ${origin}.y + ${tap}.y;
        if (xr < 0 || xr >= uniforms.inH || xc < 0 || xc >= uniforms.inW) { return 0.0; }
        return x[((${origin}.z + xr) * uniforms.inW + xc) * uniforms.inC + ${tap}.z];
      }`;
}
