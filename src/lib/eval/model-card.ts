/**
 * model-card.md (and the same as JSON) from what the studio knows about a model (Mitchell et al. 2019's sections:
 * details, intended use, data, training, metrics with intervals, calibration, explanation checks, limitations).
 */
import type { Interval } from '../metrics';
import { withInterval } from './trust';

export interface ModelCardInput {
  generatedAt: string;
  versions: { studio: string; tfjs: string; backend: string };
  model: { architecture: string; widthMultiplier: number; inputSize: number; classes: string[]; runId: string | null; trainedWhere: string };
  dataset: {
    name: string;
    source: string;
    /** images per split and class */
    counts: Record<string, Record<string, number>>;
    mean: number;
    std: number;
    preprocessing: string;
    auditFindings: string[];
  };
  config: Record<string, unknown>;
  history: Array<{ epoch: number; trainLoss: number; valLoss: number; valAuc: number }>;
  sets: Record<string, { images: number; intervals: Record<string, Interval> | null; calibration: { ece: number; brier: number; temperature: number } | null }>;
  threshold: number;
  /** how the intervals were drawn (null: none) */
  bootstrap: { draws: number; level: number } | null;
  explanationChecks: Array<{ method: string; verdicts: string[] }>;
  intendedUse: string;
  limitations: string;
}

const num = (v: number, digits = 3) => (Number.isFinite(v) ? v.toFixed(digits) : '—');
const METRIC_NAMES: Record<string, string> = { auc: 'ROC AUC', ap: 'Average precision', sensitivity: 'Sensitivity', specificity: 'Specificity', precision: 'Precision', f1: 'F1', accuracy: 'Accuracy' };

function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function modelCardMarkdown(c: ModelCardInput): string {
  const splits = Object.keys(c.dataset.counts);
  const classes = c.model.classes;
  const setNames = Object.keys(c.sets);
  const metricKeys = Object.keys(METRIC_NAMES).filter((k) => setNames.some((s) => c.sets[s].intervals?.[k]));
  const out = [
    `# Model card: ${c.model.architecture} on "${c.dataset.name}"`,
    '',
    `Generated ${c.generatedAt} by cxr-studio ${c.versions.studio} (tfjs ${c.versions.tfjs}, ${c.versions.backend}).`,
    '',
    '## Model details',
    `- ${c.model.architecture}, width ×${c.model.widthMultiplier}, 1-channel input of ${c.model.inputSize} × ${c.model.inputSize} px, classes: ${classes.join(', ')}.`,
    `- Run: ${c.model.runId ?? 'loaded from a file'}; trained ${c.model.trainedWhere}.`,
    '',
    '## Intended use',
    c.intendedUse.trim() || '_(not stated)_',
    '',
    '## Data',
    `- Source: ${c.dataset.source}. Preprocessing: ${c.dataset.preprocessing}. Training split mean / std: ${num(c.dataset.mean, 4)} / ${num(c.dataset.std, 4)}.`,
    '',
    table(['split', ...classes, 'total'], splits.map((s) => [s, ...classes.map((k) => String(c.dataset.counts[s][k] ?? 0)), String(classes.reduce((t, k) => t + (c.dataset.counts[s][k] ?? 0), 0))])),
    '',
    ...(c.dataset.auditFindings.length ? ['Audit findings:', ...c.dataset.auditFindings.map((f) => `- ${f}`), ''] : []),
    '## Training',
    table(['setting', 'value'], Object.entries(c.config).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)])),
    '',
    table(['epoch', 'train loss', 'val loss', 'val AUC'], c.history.map((h) => [String(h.epoch), num(h.trainLoss, 4), num(h.valLoss, 4), num(h.valAuc)])),
    '',
    `## Metrics (threshold ${num(c.threshold)}${c.bootstrap ? `; ${Math.round(c.bootstrap.level * 100)} % intervals from ${c.bootstrap.draws} patient-level bootstrap draws` : ''})`,
    table(['metric', ...setNames], metricKeys.map((k) => [METRIC_NAMES[k], ...setNames.map((s) => (c.sets[s].intervals?.[k] ? withInterval(c.sets[s].intervals![k]) : '—'))])),
    '',
    `Images: ${setNames.map((s) => `${s} ${c.sets[s].images}`).join(', ')}.`,
    '',
    ...setNames.flatMap((s) => {
      const i = c.sets[s].intervals;
      return i?.sensitivity && i?.specificity
        ? [`At threshold ${num(c.threshold)} on ${s}: ${withInterval(i.sensitivity as Interval)} of positive images are flagged (sensitivity) and ${withInterval(i.specificity as Interval)} of negative images are cleared (specificity).`]
        : [];
    }),
    '',
    '## Calibration',
    table(['set', 'ECE (10 equal-count bins)', 'Brier score', 'temperature'], setNames.filter((s) => c.sets[s].calibration).map((s) => {
      const k = c.sets[s].calibration!;
      return [s, num(k.ece), num(k.brier), num(k.temperature, 3)];
    })),
    '',
    '## Explanation checks',
    ...(c.explanationChecks.length ? c.explanationChecks.flatMap((e) => [`- ${e.method}:`, ...e.verdicts.map((v) => `  - ${v}`)]) : ['_(not run)_']),
    '',
    '## Limitations',
    c.limitations.trim() || '_(not stated)_',
    '',
  ];
  return out.join('\n');
}

/** The same card as JSON (NaN and Infinity as null). */
export function modelCardJson(c: ModelCardInput): string {
  return JSON.stringify(c, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2);
}
