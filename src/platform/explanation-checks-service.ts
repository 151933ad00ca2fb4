/**
 * Explanation sanity checks and the model card's facts, in the training worker on the session's model (as
 * explain-service.ts does): the checks run in eval mode on separate copies of the weights, so they may interleave
 * with training.
 */
import * as tf from '@tensorflow/tfjs';
import type { Split } from '../lib/dataset/splits';
import { explanationChecks as runChecks, type CheckImage, type ExplanationChecksReport } from '../lib/eval/explanation-checks-model';
import type { CamLayer, CamMethod } from '../lib/eval';
import { StudioError } from '../lib/errors';
import { session } from './training-service';
import { readingSession } from './session-guard';

export type { ExplanationChecksReport } from '../lib/eval/explanation-checks-model';

/** What the model card says about the data and the software, from the session. */
export interface ModelCardFacts {
  /** labelled images per split and class name */
  counts: Record<string, Record<string, number>>;
  imageSize: number;
  tfjs: string;
  backend: string;
}

/**
 * The checks on up to `count` labelled images of the split: the positives of a binary model (explained for the
 * positive class), every class's images explained for their own class otherwise.
 */
async function checks(split: Split, methods: CamMethod[], layer: CamLayer, count: number): Promise<ExplanationChecksReport> {
  const { model, dataset } = session();
  const binary = model.config.numClasses === 1;
  const metas = dataset.metas.filter((m) => m.split === split && (binary ? m.label === 1 : m.label >= 0)).slice(0, count);
  if (metas.length === 0) throw new StudioError('bad-config', `The ${split} split has no ${binary ? 'positive ' : ''}images to run the explanation checks on.`);
  const pixels = await dataset.load(metas.map((m) => m.id));
  const images: CheckImage[] = metas.map((m, i) => ({ pixels: pixels[i], classIndex: binary ? 1 : m.label }));
  return runChecks(model, dataset.mean, dataset.std, images, methods, layer);
}

export const explanationChecks = readingSession((split: Split, methods: CamMethod[], layer: CamLayer, count: number = 8) => checks(split, methods, layer, count));

export function modelCardFacts(): ModelCardFacts {
  const { model, dataset } = session();
  const counts: Record<string, Record<string, number>> = {};
  for (const m of dataset.metas) {
    if (m.label < 0) continue;
    const name = dataset.record.classes[m.label] ?? String(m.label);
    counts[m.split] ??= {};
    counts[m.split][name] = (counts[m.split][name] ?? 0) + 1;
  }
  return { counts, imageSize: model.config.inputSize, tfjs: tf.version.tfjs, backend: tf.getBackend() };
}
