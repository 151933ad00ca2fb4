/** predictions.csv: one row per evaluated image, CRLF line ends (RFC 4180 quoting, formula cells escaped: dataset/csv.ts). */
import { StudioError } from '../errors';
import { parseCsv, toCsv } from '../dataset/csv';

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
  const lines = rows.map((r) => {
    const logit = r.logits.map((v) => v.toPrecision(7)).join(';');
    return [r.file, r.patient, r.split, r.label, logit, r.probability.toPrecision(7), r.predicted];
  });
  return toCsv([PREDICTION_COLUMNS, ...lines], '\r\n');
}

/**
 * A predictions.csv (every set evaluated in the session, column "split": val, test, external) cut down to
 * the header and the rows of one split, written as predictionsCsv writes them.
 */
export function predictionsOfSplit(csv: string, split: string): { text: string; rows: number } {
  const [header = [], ...body] = parseCsv(csv);
  const splitColumn = header.indexOf('split');
  if (splitColumn < 0) throw new StudioError('internal', 'predictions.csv has no "split" column.');
  const kept = body.filter((row) => row[splitColumn] === split);
  return { text: toCsv([header, ...kept], '\r\n'), rows: kept.length };
}
