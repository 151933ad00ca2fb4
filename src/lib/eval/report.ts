/** metrics.json: everything needed to reproduce the numbers the studio shows (no pixels). */
import { contentHash } from '../hash';
import type { SetMetrics } from './summary';
import type { SetTrust } from './trust';

export interface MetricsDocument {
  generatedAt: string;
  runId: string | null;
  dataset: { id: string; name: string; fingerprint: string; classes: string[]; mean: number; std: number } | null;
  config: unknown;
  threshold: number;
  sets: Record<string, SetMetrics | null>;
  /** the probabilities (and the metrics at the threshold) are σ(logit / temperature); 1 = as the model says */
  temperature?: number;
  /** per set: patient-level bootstrap intervals of the metrics at the threshold, ROC band and calibration */
  trust?: Record<string, SetTrust | null>;
  pointingGame?: { split: string; hits: number; total: number; accuracy: number | null };
}

/** JSON has no NaN or Infinity: they become null (an AUC without both classes, the ROC's first threshold). */
export function metricsJson(doc: MetricsDocument): string {
  return JSON.stringify(doc, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2);
}

/** Percent-free fixed formatting for tables: 3 decimals, an em dash for NaN. */
export function fmt3(v: number): string {
  return Number.isFinite(v) ? v.toFixed(3) : '—';
}

/**
 * A short fingerprint of what the model saw: hash over the sorted "contentHash:label:split" lines of every
 * image, so the same pixels with the same labels and splits give the same value whatever the file names.
 */
export function datasetFingerprint(images: Array<{ contentHash: string; label: number; split: string }>): string {
  const lines = images.map((m) => `${m.contentHash}:${m.label}:${m.split}`).sort();
  return contentHash(new TextEncoder().encode(lines.join('\n')));
}
