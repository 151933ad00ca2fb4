/** predictions.csv: one row per evaluated image (RFC 4180 quoting, formula cells escaped: dataset/csv.ts). */
import { csvField } from '../dataset/csv';

export interface PredictionRow {
  file: string;
  patient: string;
  split: string;
  /** class name of the label */
  label: string;
  /** raw logits, one per head output (one for the binary head) */
  logits: number[];
  /** positive-class probability (binary) or probability of the predicted class */
  probability: number;
  /** class name of the prediction at the chosen threshold */
  predicted: string;
}

export const PREDICTION_COLUMNS = ['file', 'patient', 'split', 'label', 'logit', 'probability', 'predicted'] as const;

/** Logits of multi-class heads are joined with ';' in the one logit column. */
export function predictionsCsv(rows: PredictionRow[]): string {
  const lines = [PREDICTION_COLUMNS.join(',')];
  for (const r of rows) {
    const logit = r.logits.map((v) => v.toPrecision(7)).join(';');
    lines.push([r.file, r.patient, r.split, r.label, logit, r.probability.toPrecision(7), r.predicted].map(csvField).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}
