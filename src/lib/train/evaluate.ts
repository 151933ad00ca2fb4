import * as tf from '@tensorflow/tfjs';
import { forward, type ResNet } from '../model/resnet';
import { toInputTensor } from '../model/input-tensor';
import { bceFromLogit } from '../metrics';
import { headlineFromProbabilities, logitProbabilities } from '../eval/summary';
import { chunk } from '../chunk';
import type { Example } from './batches';

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

export interface EvalSummary {
  loss: number;
  accuracy: number;
  auc: number;
  f1: number;
  /** probability of the positive class (binary) or of the true class (multi-class), per example */
  probabilities: number[];
}

/** Validation loss and headline metrics at threshold 0.5, through the same logits → metrics path the page uses. */
export function summarise(logits: Float32Array[], examples: Example[], numClasses: number, posWeight: number): EvalSummary {
  const labels = examples.map((e) => e.label);
  // probabilities computed once, for the metrics, the loss and the result
  const p = logitProbabilities(logits);
  const { accuracy, auc, f1 } = headlineFromProbabilities(labels, p, 0.5);
  const n = Math.max(1, logits.length);
  if (numClasses === 1) {
    const loss = logits.reduce((s, l, i) => s + bceFromLogit(l[0], labels[i], posWeight), 0) / n;
    return { loss, accuracy, auc, f1, probabilities: p.kind === 'binary' ? p.scores : [] };
  }
  const probVectors = p.kind === 'multiclass' ? p.vectors : [];
  const loss = -probVectors.reduce((s, q, i) => s + Math.log(Math.max(q[labels[i]], 1e-12)), 0) / n;
  return { loss, accuracy, auc, f1, probabilities: probVectors.map((q, i) => q[labels[i]]) };
}
