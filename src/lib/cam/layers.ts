/**
 * Which ResNet-18 stage an explanation reads: layer4 (stride 32, the maps the fc weights act on) or layer3
 * (stride 16, twice as fine). A map under 4×4 is one flat wash once upsampled, so it is never drawn.
 */
import { StudioError } from '../errors';

export type CamMethod = 'cam' | 'gradcam' | 'gradcam++';
export type CamLayer = 3 | 4;

export const CAM_LAYERS: readonly CamLayer[] = [4, 3];
/** the smallest map side worth drawing */
export const MIN_CAM_SIDE = 4;

const halve = (side: number) => Math.floor((side - 1) / 2) + 1; // k3/k7 convolutions and the pool, stride 2, "same" padding

/** Side of the layer's feature map for a square input: conv1 and the stem pool halve, then layer2..layer<n>. */
export function camSide(inputSize: number, layer: CamLayer): number {
  let side = halve(halve(inputSize));
  for (let stage = 2; stage <= layer; stage++) side = halve(side);
  return side;
}

/** layer 4 when its map is at least 4×4, else layer 3 (which may still be too coarse: see camLayerProblem) */
export function defaultCamLayer(inputSize: number): CamLayer {
  return camSide(inputSize, 4) >= MIN_CAM_SIDE ? 4 : 3;
}

/** the smallest multiple of 32 px at which the layer's map is at least 4×4 */
export function minInputSizeFor(layer: CamLayer): number {
  let size = 32;
  while (camSide(size, layer) < MIN_CAM_SIDE) size += 32;
  return size;
}

/** Why the layer's map is not drawn at this input size, and what to do instead; null when it is fine. */
export function camLayerProblem(inputSize: number, layer: CamLayer): string | null {
  const side = camSide(inputSize, layer);
  if (side >= MIN_CAM_SIDE) return null;
  const other: CamLayer = layer === 4 ? 3 : 4;
  const instead =
    camSide(inputSize, other) >= MIN_CAM_SIDE
      ? `choose layer ${other} (${camSide(inputSize, other)}×${camSide(inputSize, other)})`
      : `import the images again at ${minInputSizeFor(3)} px or more (layer 3: ${camSide(minInputSizeFor(3), 3)}×${camSide(minInputSizeFor(3), 3)}; layer 4 needs ${minInputSizeFor(4)} px) and train on that`;
  return `At ${inputSize} px, layer ${layer} gives a ${side}×${side} map: upsampled, that is one flat wash that shows nothing. To see where the network looks, ${instead}.`;
}

/** Plain CAM weights layer4's channels with the fc weights, so it has no layer-3 form. */
export function methodsFor(layer: CamLayer): CamMethod[] {
  return layer === 4 ? ['cam', 'gradcam', 'gradcam++'] : ['gradcam', 'gradcam++'];
}

export const CAM_ON_LAYER4_ONLY = 'CAM (Σ w·A) weights layer 4 with the fc weights and exists on layer 4 only; on layer 3 use Grad-CAM or Grad-CAM++.';

export function checkMethodOnLayer(method: CamMethod, layer: CamLayer): void {
  if (!CAM_LAYERS.includes(layer)) throw new StudioError('bad-config', `No CAM on layer ${layer}: use layer 3 or 4.`);
  if (!methodsFor(layer).includes(method)) throw new StudioError('bad-config', CAM_ON_LAYER4_ONLY);
}
