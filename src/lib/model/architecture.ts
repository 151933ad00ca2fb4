/**
 * ResNet-18 parameter inventory in torchvision naming and torchvision (PyTorch) shapes.
 * Init, forward, state-dict export and import all iterate over this one list.
 *
 * Width multiplier: stage widths are max(1, round(w·m)) for w in 64, 128, 256, 512
 * (m = 1 gives torchvision's ResNet-18 exactly).
 */
export type ParamKind = 'conv' | 'bn-weight' | 'bn-bias' | 'bn-mean' | 'bn-var' | 'bn-count' | 'fc-weight' | 'fc-bias';

export interface ParamSpec {
  key: string;
  kind: ParamKind;
  /** Torch layout: conv OIHW [out,in,kh,kw], fc.weight [out,in], BN vectors [C], count []. */
  torchShape: number[];
  trainable: boolean;
}

export const STAGE_BASE_WIDTHS = [64, 128, 256, 512] as const;
export const BLOCKS_PER_STAGE = 2;
export const STEM_KERNEL = 7;

export function stageWidths(widthMultiplier: number): number[] {
  return STAGE_BASE_WIDTHS.map((w) => Math.max(1, Math.round(w * widthMultiplier)));
}

function convSpec(key: string, out: number, inp: number, k: number): ParamSpec {
  return { key, kind: 'conv', torchShape: [out, inp, k, k], trainable: true };
}

function bnSpecs(prefix: string, c: number): ParamSpec[] {
  return [
    { key: `${prefix}.weight`, kind: 'bn-weight', torchShape: [c], trainable: true },
    { key: `${prefix}.bias`, kind: 'bn-bias', torchShape: [c], trainable: true },
    { key: `${prefix}.running_mean`, kind: 'bn-mean', torchShape: [c], trainable: false },
    { key: `${prefix}.running_var`, kind: 'bn-var', torchShape: [c], trainable: false },
    { key: `${prefix}.num_batches_tracked`, kind: 'bn-count', torchShape: [], trainable: false },
  ];
}

export interface BlockLayout {
  prefix: string; // e.g. layer2.0
  /** 1..4: the block is in layer<stage> */
  stage: number;
  inChannels: number;
  outChannels: number;
  stride: 1 | 2;
  hasDownsample: boolean;
}

export function blockLayouts(widthMultiplier: number): BlockLayout[] {
  const widths = stageWidths(widthMultiplier);
  const blocks: BlockLayout[] = [];
  let inChannels = widths[0];
  widths.forEach((outChannels, stage) => {
    for (let b = 0; b < BLOCKS_PER_STAGE; b++) {
      const stride = stage > 0 && b === 0 ? 2 : 1;
      blocks.push({
        prefix: `layer${stage + 1}.${b}`,
        stage: stage + 1,
        inChannels,
        outChannels,
        stride,
        hasDownsample: stride !== 1 || inChannels !== outChannels,
      });
      inChannels = outChannels;
    }
  });
  return blocks;
}

/** Every state_dict entry in torchvision's order, for 1 input channel. */
export function paramSpecs(widthMultiplier: number, numClasses: number, inChannels = 1): ParamSpec[] {
  const widths = stageWidths(widthMultiplier);
  const specs: ParamSpec[] = [convSpec('conv1.weight', widths[0], inChannels, STEM_KERNEL), ...bnSpecs('bn1', widths[0])];
  for (const blk of blockLayouts(widthMultiplier)) {
    specs.push(convSpec(`${blk.prefix}.conv1.weight`, blk.outChannels, blk.inChannels, 3));
    specs.push(...bnSpecs(`${blk.prefix}.bn1`, blk.outChannels));
    specs.push(convSpec(`${blk.prefix}.conv2.weight`, blk.outChannels, blk.outChannels, 3));
    specs.push(...bnSpecs(`${blk.prefix}.bn2`, blk.outChannels));
    if (blk.hasDownsample) {
      specs.push(convSpec(`${blk.prefix}.downsample.0.weight`, blk.outChannels, blk.inChannels, 1));
      specs.push(...bnSpecs(`${blk.prefix}.downsample.1`, blk.outChannels));
    }
  }
  const features = widths[3];
  const outputs = numClasses; // 1 = one binary logit, N >= 3 = N class logits
  specs.push({ key: 'fc.weight', kind: 'fc-weight', torchShape: [outputs, features], trainable: true });
  specs.push({ key: 'fc.bias', kind: 'fc-bias', torchShape: [outputs], trainable: true });
  return specs;
}

/**
 * Internal (tfjs) layout: conv kernels HWIO [kh,kw,in,out]; everything else as in torch
 * (fc.weight stays [out,in] and is used with a transposed matMul).
 */
export function internalShape(spec: ParamSpec): number[] {
  if (spec.kind !== 'conv') return spec.torchShape;
  const [o, i, h, w] = spec.torchShape;
  return [h, w, i, o];
}
