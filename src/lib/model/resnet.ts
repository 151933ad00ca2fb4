import * as tf from '@tensorflow/tfjs';
import { StudioError } from '../errors';
import { blockLayouts, internalShape, paramSpecs, stageWidths, type ParamSpec } from './architecture';
import { initialValues } from './init';
import { conv2dTorch } from './conv';
import { batchNorm2d, type BatchNormEpilogue, type BatchNormVariables } from './batchnorm';
import { oihwToHwio } from './layout';
import { ownedVariable } from './variables';

export interface ResNetConfig {
  widthMultiplier: number;
  numClasses: number; // 1 = one binary logit; N >= 3 = N logits
  inputSize: number; // square input side in pixels (any size >= 32 keeps layer4 at least 1x1)
}

export interface ResNet {
  config: ResNetConfig;
  /** torchvision key -> variable in internal layout (conv HWIO, fc.weight [out,in]); BN running stats and
   * num_batches_tracked (int32 scalar) included as non-trainable variables. */
  params: Map<string, tf.Variable>;
  /** Keys of the trainable parameters, torchvision order. */
  trainable: string[];
  dispose(): void;
}

export function validateResNetConfig(config: ResNetConfig): void {
  const { widthMultiplier, numClasses, inputSize } = config;
  if (!(widthMultiplier > 0) || !Number.isFinite(widthMultiplier))
    throw new StudioError('bad-config', `width multiplier must be a positive number, got ${widthMultiplier}`);
  if (!Number.isInteger(numClasses) || numClasses < 1 || numClasses === 2)
    throw new StudioError('bad-config', `numClasses must be 1 (one binary logit) or >= 3, got ${numClasses}`);
  if (!Number.isInteger(inputSize) || inputSize < 32)
    throw new StudioError('bad-config', `input size must be an integer >= 32 pixels, got ${inputSize}`);
}

export function modelParamSpecs(config: ResNetConfig): ParamSpec[] {
  return paramSpecs(config.widthMultiplier, config.numClasses);
}

export function createResNet18(config: ResNetConfig, seed: number): ResNet {
  validateResNetConfig(config);
  const fcFanIn = stageWidths(config.widthMultiplier)[3];
  const params = new Map<string, tf.Variable>();
  modelParamSpecs(config).forEach((spec, index) => {
    const values = initialValues(spec, fcFanIn, seed, index);
    const internal = spec.kind === 'conv' ? oihwToHwio(values as Float32Array, spec.torchShape) : values;
    const dtype = spec.kind === 'bn-count' ? 'int32' : 'float32';
    // Unnamed variables: tfjs registers names globally, and several models may coexist.
    params.set(spec.key, ownedVariable(tf.tensor(internal, internalShape(spec), dtype), spec.trainable));
  });
  const trainable = modelParamSpecs(config)
    .filter((s) => s.trainable)
    .map((s) => s.key);
  return {
    config,
    params,
    trainable,
    dispose: () => params.forEach((v) => v.dispose()),
  };
}

function param(model: ResNet, key: string): tf.Variable {
  const v = model.params.get(key);
  if (!v) throw new StudioError('internal', `model has no parameter ${key}`);
  return v;
}

function batchNorm(model: ResNet, prefix: string, x: tf.Tensor4D, training: boolean, epilogue: BatchNormEpilogue = {}): tf.Tensor4D {
  const get = (name: string) => param(model, `${prefix}.${name}`);
  const bn: BatchNormVariables = {
    weight: get('weight'),
    bias: get('bias'),
    runningMean: get('running_mean'),
    runningVar: get('running_var'),
    numBatchesTracked: get('num_batches_tracked'),
  };
  return batchNorm2d(x, bn, training, epilogue);
}

/** torchvision maxpool 3x3 s2 p1: tfjs pools skip the padded positions, exactly like torch's −∞ padding. */
function maxPoolStem(x: tf.Tensor4D): tf.Tensor4D {
  return tf.maxPool(x, 3, 2, 1);
}

type Conv = (input: tf.Tensor4D, key: string, stride: number, pad: number) => tf.Tensor4D;

/** The residual blocks of stages `from`..`to` (1-based, layer1..layer4) applied to h. */
function stages(model: ResNet, h: tf.Tensor4D, training: boolean, from: number, to: number): tf.Tensor4D {
  const conv: Conv = (input, key, stride, pad) => conv2dTorch(input, param(model, key) as tf.Tensor4D, stride, pad);
  for (const blk of blockLayouts(model.config.widthMultiplier)) {
    if (blk.stage < from || blk.stage > to) continue;
    const p = blk.prefix;
    const identity = blk.hasDownsample
      ? batchNorm(model, `${p}.downsample.1`, conv(h, `${p}.downsample.0.weight`, blk.stride, 0), training)
      : h;
    const out = batchNorm(model, `${p}.bn1`, conv(h, `${p}.conv1.weight`, blk.stride, 1), training, { relu: true });
    h = batchNorm(model, `${p}.bn2`, conv(out, `${p}.conv2.weight`, 1, 1), training, { residual: identity, relu: true });
  }
  return h;
}

/**
 * Everything up to and including stage `lastStage` (default layer4, the CAM feature maps), NHWC. BN, the
 * residual add and ReLU run as one op (batchNorm2d's epilogue) so training keeps few activation-sized
 * tensors per block.
 */
export function backbone(model: ResNet, x: tf.Tensor4D, training: boolean, lastStage: 3 | 4 = 4): tf.Tensor4D {
  const size = model.config.inputSize;
  if (x.rank !== 4 || x.shape[1] !== size || x.shape[2] !== size || x.shape[3] !== 1)
    throw new StudioError('bad-config', `expected input [N,${size},${size},1], got [${x.shape.join(',')}]`);
  const h = conv2dTorch(x, param(model, 'conv1.weight') as tf.Tensor4D, 2, 3);
  return stages(model, maxPoolStem(batchNorm(model, 'bn1', h, training, { relu: true })), training, 1, lastStage);
}

/** layer4 applied to layer3's output (for explanations on layer3: the rest of the network above it). */
export function layer4(model: ResNet, layer3Output: tf.Tensor4D, training: boolean): tf.Tensor4D {
  return stages(model, layer3Output, training, 4, 4);
}

/** Global average pool + fc (fc.weight kept as torch [out,in], hence the transposed matMul). */
export function head(model: ResNet, features: tf.Tensor4D): tf.Tensor2D {
  const pooled = tf.mean(features, [1, 2]) as tf.Tensor2D;
  return tf.matMul(pooled, param(model, 'fc.weight') as tf.Tensor2D, false, true).add(param(model, 'fc.bias'));
}

/**
 * x: NHWC, 1 channel, z-scored. Training mode updates the BN running stats (as a side effect, safe inside
 * variableGrads). Intermediates are freed here; the caller disposes both outputs.
 */
export function forward(
  model: ResNet,
  x: tf.Tensor4D,
  mode: { training: boolean },
): { logits: tf.Tensor2D; features: tf.Tensor4D } {
  return tf.tidy(() => {
    const features = backbone(model, x, mode.training);
    return { logits: head(model, features), features };
  });
}
