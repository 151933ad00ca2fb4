/** The rows of predictions.csv and the document of metrics.json, from the evaluated sets (the CLI reads both). */
import type { PredictionRow } from './predictions-csv';
import type { MetricsDocument } from './report';
import { displayProbability, predictedClass, setMetrics, type ScoredImage } from './summary';
import { scaleLogits, type SetTrust } from './trust';

/** What metrics.json says about the dataset and the model (the training worker's evaluation context). */
export interface EvaluatedModel {
  datasetId: string;
  name: string;
  fingerprint: string;
  classes: string[];
  mean: number;
  std: number;
  /** the side of the images the model takes, px */
  inputSize: number;
}

export function predictionRows(sets: Record<string, ScoredImage[]>, classes: string[], threshold: number): PredictionRow[] {
  return Object.values(sets).flatMap((images) =>
    images.map((p) => ({
      file: p.sourcePath,
      patient: p.patientId,
      split: p.split,
      label: classes[p.label] ?? String(p.label),
      logits: p.logits,
      probability: displayProbability(p.logits, threshold),
      predicted: classes[predictedClass(p.logits, threshold)] ?? '',
    })),
  );
}

export interface MetricsInput {
  generatedAt: string;
  runId: string | null;
  model: EvaluatedModel | null;
  /** the training configuration; its imageSize is replaced by the size the model takes */
  config: object | null;
  threshold: number;
  sets: Record<string, ScoredImage[]>;
  pointing: { split: string; hits: number; total: number; accuracy: number | null } | null;
  /** the temperature the logits are divided by before the metrics (default 1) */
  temperature?: number;
  /** per set, computed at this threshold and temperature */
  trust?: Record<string, SetTrust | null>;
}

export function metricsDocument(input: MetricsInput): MetricsDocument {
  const { model, pointing: p } = input;
  return {
    generatedAt: input.generatedAt,
    runId: input.runId,
    dataset: model && { id: model.datasetId, name: model.name, fingerprint: model.fingerprint, classes: model.classes, mean: model.mean, std: model.std },
    config: model && input.config ? { ...input.config, imageSize: model.inputSize } : input.config,
    threshold: input.threshold,
    sets: Object.fromEntries(Object.entries(input.sets).map(([k, images]) => [k, setMetrics(scaleLogits(images, input.temperature ?? 1), input.threshold)])),
    temperature: input.temperature ?? 1,
    ...(input.trust ? { trust: input.trust } : {}),
    pointingGame: p ? { split: p.split, hits: p.hits, total: p.total, accuracy: p.accuracy } : undefined,
  };
}
