import { StudioError } from '../errors';
import { paramSpecs } from '../model/architecture';
import type { StateDict } from '../model/state-dict-types';

/** Width multiplier and head of a studio-layout ResNet-18 state dict, checked key by key and shape by shape. */
export function externalModelShape(sd: StateDict, classes: string[]): { widthMultiplier: number; numClasses: number } {
  const bad = (message: string): never => {
    throw new StudioError('bad-weights', `model.safetensors: ${message}`);
  };
  const conv1 = sd.get('conv1.weight') ?? bad('has no conv1.weight: not a ResNet-18 state dict');
  if (conv1.shape.length !== 4 || conv1.shape[1] !== 1) bad(`conv1.weight has shape [${conv1.shape}], expected [width, 1, 7, 7] (one grey channel)`);
  const widthMultiplier = conv1.shape[0] / 64;
  const numClasses = classes.length <= 2 ? 1 : classes.length;
  const specs = paramSpecs(widthMultiplier, numClasses);
  for (const spec of specs) {
    const entry = sd.get(spec.key);
    if (!entry && spec.kind === 'bn-count') continue;
    if (!entry) return bad(`lacks ${spec.key}`);
    const expected = spec.kind === 'bn-count' ? entry.shape : spec.torchShape;
    if (entry.shape.join() !== expected.join())
      bad(`${spec.key} has shape [${entry.shape}], the dataset's model (${classes.length} classes, width ×${widthMultiplier}) needs [${spec.torchShape}]`);
  }
  const known = new Set(specs.map((s) => s.key));
  const extra = [...sd.keys()].filter((k) => !known.has(k));
  if (extra.length) bad(`has unexpected keys ${extra.slice(0, 3).join(', ')}`);
  return { widthMultiplier, numClasses };
}
