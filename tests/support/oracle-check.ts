import type * as tfType from '@tensorflow/tfjs';
import { classActivationMap, gradCam } from '../../src/lib/cam/cam';
import { Adam } from '../../src/lib/model/adam';
import { nchwToNhwc } from '../../src/lib/model/layout';
import { readPth } from '../../src/lib/model/pth';
import { createResNet18, forward } from '../../src/lib/model/resnet';
import { loadStateDict } from '../../src/lib/model/state-dict';
import { trainStep } from '../../src/lib/model/train-step';

/** The parts of resnet18-oracle/expected.json this check uses (PyTorch 1.13 / torchvision 0.14). */
export interface OracleExpected {
  seed: number;
  eval_logits: number[];
  cam_7x7_raw: number[][];
  gradcam_7x7_relu: number[][];
  train_labels: number[];
  train_loss: number;
  grad_norms: Record<string, number>;
  after_one_step: {
    'fc.bias': number[];
    'bn1.running_mean[:4]': number[];
    'bn1.running_var[:4]': number[];
    'conv1.weight_delta_abs_mean': number;
  };
  eval_logits_after_one_step: number[];
}

/** Acceptance tolerances (absolute "abs", relative "rel"). */
export const ORACLE_TOLERANCES = {
  evalLogitsAbs: 1e-4,
  lossRel: 1e-4,
  gradNormRel: 1e-3,
  runningStatsAbs: 1e-4,
  postStepLogitsAbs: 1e-4,
  camRel: 1e-3,
} as const;

export interface CamDeviations {
  camMaxRel: number;
  gradCamMaxRel: number;
}

export interface TrainDeviations {
  lossRel: number;
  gradNormRel: Record<string, number>;
  runningStatsMaxAbs: number;
  fcBiasAfterAbs: number;
  conv1DeltaAbsMeanRel: number;
  postStepLogitsMaxAbs: number;
}

/** Parts the caller left out (options.parts) are absent. */
export interface OracleReport {
  backend: string;
  evalLogitsMaxAbs: number;
  cam?: CamDeviations;
  train?: TrainDeviations;
  timingsMs: Record<string, number>;
  /** Human-readable tolerance violations; empty when everything matches. */
  failures: string[];
}

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return a.length === b.length ? m : Infinity;
};
const maxRel = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.abs(b[i]));
  return a.length === b.length ? m : Infinity;
};

type Tf = typeof tfType;
type Model = ReturnType<typeof createResNet18>;

async function evalLogits(model: Model, x: tfType.Tensor4D): Promise<{ values: Float32Array; features: tfType.Tensor4D }> {
  const { logits, features } = forward(model, x, { training: false });
  const values = (await logits.data()) as Float32Array;
  logits.dispose();
  return { values, features };
}

async function camPart(tf: Tf, model: Model, x: tfType.Tensor4D, features: tfType.Tensor4D, expected: OracleExpected): Promise<CamDeviations> {
  const image0 = x.slice([0, 0, 0, 0], [1, -1, -1, -1]);
  const features0 = features.slice([0, 0, 0, 0], [1, -1, -1, -1]);
  const camTensor = classActivationMap(features0, model.params.get('fc.weight') as tfType.Tensor2D, 0);
  const cam = await camTensor.data();
  const [gradCam0] = await gradCam(model, image0, 0);
  tf.dispose([camTensor, features0, image0]);
  return { camMaxRel: maxRel(cam, expected.cam_7x7_raw.flat()), gradCamMaxRel: maxRel(gradCam0, expected.gradcam_7x7_relu.flat()) };
}

/** BCE(pos_weight 3) + Adam(lr 1e-4) step in BN training mode, then eval logits again. */
async function trainPart(tf: Tf, model: Model, x: tfType.Tensor4D, expected: OracleExpected): Promise<TrainDeviations> {
  const param = (key: string) => model.params.get(key)!.data() as Promise<Float32Array>;
  const conv1Before = await param('conv1.weight');
  const adam = new Adam({ lr: 1e-4, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });
  const y = tf.tensor1d(expected.train_labels);
  const gradNormKeys = Object.keys(expected.grad_norms);
  const step = await trainStep(model, adam, x, y, { kind: 'bce', posWeight: 3 }, { gradNormKeys });
  y.dispose();
  adam.dispose();
  const runningMean = (await param('bn1.running_mean')).slice(0, 4);
  const runningVar = (await param('bn1.running_var')).slice(0, 4);
  const fcBias = await param('fc.bias');
  const conv1After = await param('conv1.weight');
  let deltaSum = 0;
  for (let i = 0; i < conv1After.length; i++) deltaSum += Math.abs(conv1After[i] - conv1Before[i]);
  const after = await evalLogits(model, x);
  after.features.dispose();

  const gradNormRel: Record<string, number> = {};
  for (const k of gradNormKeys) gradNormRel[k] = Math.abs(step.gradNorms.get(k)! - expected.grad_norms[k]) / expected.grad_norms[k];
  const e = expected.after_one_step;
  return {
    lossRel: Math.abs(step.loss - expected.train_loss) / Math.abs(expected.train_loss),
    gradNormRel,
    runningStatsMaxAbs: Math.max(maxAbs(runningMean, e['bn1.running_mean[:4]']), maxAbs(runningVar, e['bn1.running_var[:4]'])),
    fcBiasAfterAbs: maxAbs(fcBias, e['fc.bias']),
    conv1DeltaAbsMeanRel: Math.abs(deltaSum / conv1After.length - e['conv1.weight_delta_abs_mean']) / e['conv1.weight_delta_abs_mean'],
    postStepLogitsMaxAbs: maxAbs(after.values, expected.eval_logits_after_one_step),
  };
}

function toleranceFailures(r: OracleReport): string[] {
  const tol = ORACLE_TOLERANCES;
  const failures: string[] = [];
  const check = (name: string, value: number, limit: number) => {
    if (!(value <= limit)) failures.push(`${name} = ${value.toExponential(3)} > ${limit}`);
  };
  check('eval logits max abs', r.evalLogitsMaxAbs, tol.evalLogitsAbs);
  if (r.cam) {
    check('CAM max rel', r.cam.camMaxRel, tol.camRel);
    check('Grad-CAM max rel', r.cam.gradCamMaxRel, tol.camRel);
  }
  if (r.train) {
    check('loss rel', r.train.lossRel, tol.lossRel);
    for (const [k, v] of Object.entries(r.train.gradNormRel)) check(`grad norm rel ${k}`, v, tol.gradNormRel);
    check('BN running stats max abs', r.train.runningStatsMaxAbs, tol.runningStatsAbs);
    check('fc.bias after step abs', r.train.fcBiasAfterAbs, tol.runningStatsAbs);
    check('conv1 delta abs-mean rel', r.train.conv1DeltaAbsMeanRel, tol.gradNormRel);
    check('post-step eval logits max abs', r.train.postStepLogitsMaxAbs, tol.postStepLogitsAbs);
  }
  return failures;
}

/**
 * Runs the PyTorch oracle on whatever backend `tf` currently uses: the adapted model (conv1 = RGB sum,
 * fc = ImageNet row 0), eval logits, then optionally CAM + Grad-CAM of image 0 ('cam') and one training
 * step ('train'). `tf` must be the @tensorflow/tfjs instance the model code imports. Pure: the caller
 * passes the file bytes, inputs (N×1×S×S NCHW float32) and the parsed expected.json.
 */
export async function runResNetOracle(
  tf: Tf,
  pthBytes: Uint8Array,
  inputsNchw: Float32Array,
  expected: OracleExpected,
  options: { parts?: ('cam' | 'train')[] } = {},
): Promise<OracleReport> {
  const parts = options.parts ?? ['cam', 'train'];
  const timingsMs: Record<string, number> = {};
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const result = await fn();
    timingsMs[name] = Math.round(performance.now() - t0);
    return result;
  };
  const n = expected.eval_logits.length;
  const size = Math.round(Math.sqrt(inputsNchw.length / n));
  const model = await timed('load', async () => {
    const m = createResNet18({ widthMultiplier: 1, numClasses: 1, inputSize: size }, expected.seed);
    loadStateDict(m, readPth(pthBytes), { adaptImageNet: true, head: 'first-row' });
    return m;
  });
  const x = tf.tensor4d(nchwToNhwc(inputsNchw, [n, 1, size, size]), [n, size, size, 1]);
  try {
    const before = await timed('eval', () => evalLogits(model, x));
    const report: OracleReport = { backend: tf.getBackend(), evalLogitsMaxAbs: maxAbs(before.values, expected.eval_logits), timingsMs, failures: [] };
    if (parts.includes('cam')) report.cam = await timed('cam', () => camPart(tf, model, x, before.features, expected));
    before.features.dispose();
    if (parts.includes('train')) report.train = await timed('trainStepAndEval', () => trainPart(tf, model, x, expected));
    report.failures = toleranceFailures(report);
    return report;
  } finally {
    x.dispose();
    model.dispose();
  }
}
