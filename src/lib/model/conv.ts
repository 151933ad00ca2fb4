import * as tf from '@tensorflow/tfjs';

/**
 * dL/dW of a 'valid' conv, computed as one dilated convolution:
 *   dW[kh,kw,i,o] = Σ_b,y,x X[b, s·y + kh, s·x + kw, i] · dY[b,y,x,o]
 * = conv2d(input Xᵀ [I,Hp,Wp,B], filter dYᵀ [Ho,Wo,B,O], stride 1, dilation s), cropped to kh×kw.
 * tfjs-backend-cpu's Conv2DBackpropFilter is far slower than its Conv2D (README, end of "The studio's own WebGPU
 * kernels"); this reformulation uses the fast kernel.
 */
export function filterGradientByConv(x: tf.Tensor4D, dy: tf.Tensor4D, kernelShape: number[], stride: number): tf.Tensor4D {
  const [kh, kw] = kernelShape;
  return tf.tidy(() => {
    const xt = tf.transpose(x, [3, 1, 2, 0]);
    const dyt = tf.transpose(dy, [1, 2, 0, 3]);
    const full = tf.conv2d(xt, dyt, 1, 'valid', 'NHWC', stride);
    const cropped = full.shape[1] === kh && full.shape[2] === kw ? full : full.slice([0, 0, 0, 0], [-1, kh, kw, -1]);
    return tf.transpose(cropped, [1, 2, 0, 3]);
  });
}

/**
 * torch's Conv2d(stride, padding=pad, bias=False): a numeric tfjs pad is torch's symmetric zero padding,
 * with the output size floored like torch's (tfjs 'same' pads differently at stride 2). No padded copy of
 * the input is made, so none is kept for the backward pass. On the CPU backend the filter gradient goes
 * through filterGradientByConv (on a transient padded copy); other backends keep their native gradients.
 */
export function conv2dTorch(x: tf.Tensor4D, kernel: tf.Tensor4D, stride: number, pad: number): tf.Tensor4D {
  if (tf.getBackend() !== 'cpu') return tf.conv2d(x, kernel, stride, pad);
  const convWithFastFilterGrad = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, filter, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([input, filter]);
    return {
      value: tf.conv2d(input, filter, stride, pad),
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [xs, w] = saved as [tf.Tensor4D, tf.Tensor4D];
        const padded = pad > 0 ? tf.pad(xs, [[0, 0], [pad, pad], [pad, pad], [0, 0]]) : xs;
        return [tf.conv2dTranspose(dy, w, xs.shape, stride, pad), filterGradientByConv(padded, dy, w.shape, stride)];
      },
    };
  });
  return convWithFastFilterGrad(x, kernel) as tf.Tensor4D;
}
