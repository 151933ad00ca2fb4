import type * as tfType from '@tensorflow/tfjs';
import { classActivationMap, gradCam } from '../cam/cam';
import { Adam } from './adam';
import { nchwToNhwc } from './layout';
import { readPth } from './pth';
import { createResNet18, forward } from './resnet';
import { loadStateDict } from './state-dict';
import { trainStep } from './train-step';

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

export interface OracleReport {
  backend: string;
  evalLogitsMaxAbs: number;
  camMaxRel: number;
  gradCamMaxRel: number;
  lossRel: number;
  gradNormRel: Record<string, number>;
  runningStatsMaxAbs: number;
  fcBiasAfterAbs: number;
  conv1DeltaAbsMeanRel: number;
  postStepLogitsMaxAbs: number;
  timingsMs: { load: number; eval: number; cam: number; trainStep: number; evalAfter: number };
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

/**
 * Runs the PyTorch oracle on whatever backend `tf` currently uses: adapted model (conv1 = RGB sum,
 * fc = ImageNet row 0), eval logits, CAM and Grad-CAM of image 0, one BCE(pos_weight 3) + Adam(lr 1e-4)
 * step in BN training mode, then eval logits again. `tf` must be the @tensorflow/tfjs instance the model
 * code imports. Pure: no file or DOM access (callers pass the bytes).
 */
export async function runResNetOracle(
  tf: typeof tfType,
  pthBytes: Uint8Array,
  inputsNchw: Float32Array,
  expected: OracleExpected,
): Promise<OracleReport> {
  const now = () => performance.now();
  const n = expected.eval_logits.length;
  const size = Math.round(Math.sqrt(inputsNchw.length / n));
  let t = now();
  const model = createResNet18({ widthMultiplier: 1, numClasses: 1, inputSize: size }, expected.seed);
  loadStateDict(model, readPth(pthBytes), { adaptImageNet: true, head: 'first-row' });
  const x = tf.tensor4d(nchwToNhwc(inputsNchw, [n, 1, size, size]), [n, size, size, 1]);
  const timingsMs = { load: now() - t, eval: 0, cam: 0, trainStep: 0, evalAfter: 0 };

  const evalLogits = async () => {
    const { logits, features } = forward(model, x, { training: false });
    const values = await logits.data();
    logits.dispose();
    return { values, features };
  };

  t = now();
  const before = await evalLogits();
  timingsMs.eval = now() - t;

  t = now();
  const image0 = x.slice([0, 0, 0, 0], [1, -1, -1, -1]);
  const features0 = before.features.slice([0, 0, 0, 0], [1, -1, -1, -1]);
  const camTensor = classActivationMap(features0, model.params.get('fc.weight') as tfType.Tensor2D, 0);
  const cam = await camTensor.data();
  const [gradCam0] = await gradCam(model, image0, 0);
  tf.dispose([camTensor, features0, image0, before.features]);
  timingsMs.cam = now() - t;

  t = now();
  const conv1Before = await model.params.get('conv1.weight')!.data();
  const adam = new Adam({ lr: 1e-4, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });
  const y = tf.tensor1d(expected.train_labels);
  const gradNormKeys = Object.keys(expected.grad_norms);
  const step = await trainStep(model, adam, x, y, { kind: 'bce', posWeight: 3 }, { gradNormKeys });
  timingsMs.trainStep = now() - t;
  const runningMean = (await model.params.get('bn1.running_mean')!.data()).slice(0, 4);
  const runningVar = (await model.params.get('bn1.running_var')!.data()).slice(0, 4);
  const fcBias = await model.params.get('fc.bias')!.data();
  const conv1After = await model.params.get('conv1.weight')!.data();
  let deltaSum = 0;
  for (let i = 0; i < conv1After.length; i++) deltaSum += Math.abs(conv1After[i] - conv1Before[i]);

  t = now();
  const after = await evalLogits();
  after.features.dispose();
  timingsMs.evalAfter = now() - t;
  tf.dispose([x, y]);
  adam.dispose();
  model.dispose();

  const gradNormRel: Record<string, number> = {};
  for (const k of gradNormKeys) gradNormRel[k] = Math.abs(step.gradNorms.get(k)! - expected.grad_norms[k]) / expected.grad_norms[k];
  const exp1 = expected.after_one_step;
  const report: OracleReport = {
    backend: tf.getBackend(),
    evalLogitsMaxAbs: maxAbs(before.values, expected.eval_logits),
    camMaxRel: maxRel(cam, expected.cam_7x7_raw.flat()),
    gradCamMaxRel: maxRel(gradCam0, expected.gradcam_7x7_relu.flat()),
    lossRel: Math.abs(step.loss - expected.train_loss) / Math.abs(expected.train_loss),
    gradNormRel,
    runningStatsMaxAbs: Math.max(maxAbs(runningMean, exp1['bn1.running_mean[:4]']), maxAbs(runningVar, exp1['bn1.running_var[:4]'])),
    fcBiasAfterAbs: maxAbs(fcBias, exp1['fc.bias']),
    conv1DeltaAbsMeanRel: Math.abs(deltaSum / conv1After.length - exp1['conv1.weight_delta_abs_mean']) / exp1['conv1.weight_delta_abs_mean'],
    postStepLogitsMaxAbs: maxAbs(after.values, expected.eval_logits_after_one_step),
    timingsMs,
    failures: [],
  };
  const tol = ORACLE_TOLERANCES;
  const check = (name: string, value: number, limit: number) => {
    if (!(value <= limit)) report.failures.push(`${name} = ${value.toExponential(3)} > ${limit}`);
  };
  check('eval logits max abs', report.evalLogitsMaxAbs, tol.evalLogitsAbs);
  check('CAM max rel', report.camMaxRel, tol.camRel);
  check('Grad-CAM max rel', report.gradCamMaxRel, tol.camRel);
  check('loss rel', report.lossRel, tol.lossRel);
  for (const k of gradNormKeys) check(`grad norm rel ${k}`, gradNormRel[k], tol.gradNormRel);
  check('BN running stats max abs', report.runningStatsMaxAbs, tol.runningStatsAbs);
  check('fc.bias after step abs', report.fcBiasAfterAbs, tol.runningStatsAbs);
  check('conv1 delta abs-mean rel', report.conv1DeltaAbsMeanRel, tol.gradNormRel);
  check('post-step eval logits max abs', report.postStepLogitsMaxAbs, tol.postStepLogitsAbs);
  return report;
}
