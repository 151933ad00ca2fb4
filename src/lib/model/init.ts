import { childSeed, gaussian, mulberry32 } from '../random';
import type { ParamSpec } from './architecture';
import { numel } from './layout';

/**
 * torchvision's ResNet init, seeded, in torch layout (conv OIHW):
 * conv: Kaiming normal, mode fan_out, relu gain -> N(0, 2 / (out·kh·kw));
 * BN: γ = 1, β = 0, running mean 0, var 1, count 0;
 * fc: torch.nn.Linear default -> U(-1/√fan_in, 1/√fan_in) for weight and bias (fan_in = fc in-features).
 * Every parameter draws from its own child seed, so adding a parameter never shifts the others.
 */
export function initialValues(spec: ParamSpec, fcFanIn: number, seed: number, index: number): Float32Array | Int32Array {
  const size = numel(spec.torchShape);
  const rng = mulberry32(childSeed(seed, index));
  switch (spec.kind) {
    case 'conv': {
      const [out, , kh, kw] = spec.torchShape;
      const std = Math.sqrt(2 / (out * kh * kw));
      return Float32Array.from({ length: size }, () => gaussian(rng) * std);
    }
    case 'fc-weight':
    case 'fc-bias': {
      const bound = 1 / Math.sqrt(fcFanIn);
      return Float32Array.from({ length: size }, () => (2 * rng() - 1) * bound);
    }
    case 'bn-weight':
    case 'bn-var':
      return new Float32Array(size).fill(1);
    case 'bn-bias':
    case 'bn-mean':
      return new Float32Array(size);
    case 'bn-count':
      return new Int32Array(1);
  }
}
