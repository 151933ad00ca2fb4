import * as tf from '@tensorflow/tfjs';
import { forward, type ResNet } from '../model/resnet';
import { binaryMetrics, multiclassMetrics, sigmoid, softmax } from '../metrics';
import { chunk, toInputTensor, type Example } from './batches';

export interface PixelLoader {
  mean: number;
  std: number;
  load(ids: string[]): Promise<Uint8Array[]>;
}

/** Eval-mode logits, one vector per example (length 1 for the single-logit binary head). */
export async function predictLogits(
  model: ResNet,
  data: PixelLoader,
  examples: Example[],
  batchSize: number,
): Promise<Float32Array[]> {
  const size = model.config.inputSize;
  const k = model.config.numClasses;
  const out: Float32Array[] = [];
  for (const batch of chunk(examples, batchSize)) {
    const images = await data.load(batch.map((e) => e.id));
    const logits = tf.tidy(() => forward(model, toInputTensor(images, size, data.mean, data.std), { training: false }).logits);
    const flat = (await logits.data()) as Float32Array;
    logits.dispose();
    for (let i = 0; i < batch.length; i++) out.push(flat.slice(i * k, (i + 1) * k));
  }
  return out;
}

/** Stable BCE-with-logits with pos_weight, as PyTorch: −[w·y·log σ(z) + (1−y)·log(1−σ(z))]. */
export function bceFromLogit(z: number, y: number, posWeight: number): number {
  const logSigmoid = -Math.log1p(Math.exp(-Math.abs(z))) + Math.min(z, 0);
  const logOneMinus = logSigmoid - z;
  return -(posWeight * y * logSigmoid + (1 - y) * logOneMinus);
}

export interface EvalSummary {
  loss: number;
  accuracy: number;
  auc: number;
  f1: number;
  /** probability of the positive class (binary) or of the true class (multi-class), per example */
  probabilities: number[];
}

export function summarise(logits: Float32Array[], examples: Example[], numClasses: number, posWeight: number): EvalSummary {
  const labels = examples.map((e) => e.label);
  if (numClasses === 1) {
    const probs = logits.map((l) => sigmoid(l[0]));
    const m = binaryMetrics(labels, probs, 0.5);
    const loss = logits.reduce((s, l, i) => s + bceFromLogit(l[0], labels[i], posWeight), 0) / Math.max(1, logits.length);
    return { loss, accuracy: m.accuracy, auc: m.rocAuc, f1: m.f1, probabilities: probs };
  }
  const probVectors = logits.map((l) => softmax(l));
  const m = multiclassMetrics(labels, probVectors, numClasses);
  const loss = -probVectors.reduce((s, p, i) => s + Math.log(Math.max(p[labels[i]], 1e-12)), 0) / Math.max(1, logits.length);
  return { loss, accuracy: m.accuracy, auc: m.macro.rocAuc, f1: m.macro.f1, probabilities: probVectors.map((p, i) => p[labels[i]]) };
}
