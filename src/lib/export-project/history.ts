import { StudioError } from '../errors';
import type { EpochRecord } from '../train/trainer';

/** Where a run trained outside the studio came from (history.json's header). */
export interface TrainedElsewhere {
  /** e.g. "train.py" */
  trainedWith: string;
  host?: string;
  device?: string;
  processes?: number;
  torch?: string;
}

export interface ExternalHistory {
  epochs: EpochRecord[];
  origin: TrainedElsewhere;
  bestEpoch?: number;
  stoppedEarly: boolean;
  posWeight?: number;
  /** config.json as train.py ran it, when history.json carries it */
  config?: unknown;
}

function bad(message: string): never {
  throw new StudioError('bad-weights', `history.json: ${message}`);
}

const REQUIRED = ['epoch', 'trainLoss', 'valLoss', 'valAccuracy', 'valAuc', 'valF1'] as const;

/** A metric as JSON writes it: a number, or null for NaN (JSON has none). */
function metric(r: Record<string, unknown>, key: string, at: number): number {
  const v = r[key];
  if (v === null) return NaN;
  if (typeof v !== 'number') bad(`epoch entry ${at} has no number "${key}"`);
  return v;
}

function epochRecord(raw: unknown, at: number): EpochRecord {
  if (typeof raw !== 'object' || raw === null) bad(`epoch entry ${at} is not an object`);
  const r = raw as Record<string, unknown>;
  for (const key of REQUIRED) metric(r, key, at);
  const losses = r.stepLosses ?? [];
  if (!Array.isArray(losses) || !losses.every((v) => typeof v === 'number' || v === null)) bad(`epoch entry ${at} has bad "stepLosses"`);
  const optional = (key: string, fallback: number) => (r[key] === undefined ? fallback : metric(r, key, at));
  return {
    epoch: metric(r, 'epoch', at),
    trainLoss: metric(r, 'trainLoss', at),
    valLoss: metric(r, 'valLoss', at),
    valAccuracy: metric(r, 'valAccuracy', at),
    valAuc: metric(r, 'valAuc', at),
    valF1: metric(r, 'valF1', at),
    seconds: optional('seconds', NaN),
    imagesPerSecond: optional('imagesPerSecond', NaN),
    numTensors: optional('numTensors', 0),
    microBatches: optional('microBatches', 1),
    stepLosses: (losses as (number | null)[]).map((v) => v ?? NaN),
  };
}

/**
 * history.json from train.py ({format: 'cxr-studio-history', epochs: [...], trainedOn, ...}) or a bare array of
 * epoch records, checked entry by entry: epochs 1, 2, 3 … in order, every metric a number (null = NaN).
 */
export function parseExternalHistory(text: string): ExternalHistory {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    bad('not valid JSON');
  }
  const wrapped = !Array.isArray(json);
  const doc = (wrapped ? json : { epochs: json }) as Record<string, unknown>;
  if (typeof doc !== 'object' || doc === null) bad('neither a list of epochs nor an object with "epochs"');
  if (wrapped && doc.format !== undefined && doc.format !== 'cxr-studio-history') bad(`unknown format "${String(doc.format)}"`);
  if (!Array.isArray(doc.epochs) || doc.epochs.length === 0) bad('has no epochs');
  const epochs = doc.epochs.map(epochRecord);
  epochs.forEach((e, i) => {
    if (e.epoch !== i + 1) bad(`epoch entry ${i} is epoch ${e.epoch}, expected ${i + 1}`);
  });
  const on = (typeof doc.trainedOn === 'object' && doc.trainedOn !== null ? doc.trainedOn : {}) as Record<string, unknown>;
  const text_ = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const best = doc.bestEpoch;
  return {
    epochs,
    origin: {
      trainedWith: text_(doc.trainedWith) ?? 'elsewhere',
      host: text_(on.host),
      device: text_(on.device),
      processes: typeof on.processes === 'number' ? on.processes : undefined,
      torch: text_(on.torch),
    },
    bestEpoch: typeof best === 'number' && best >= 1 && best <= epochs.length ? best : undefined,
    stoppedEarly: doc.stoppedEarly === true,
    posWeight: typeof doc.posWeight === 'number' ? doc.posWeight : undefined,
    config: doc.config,
  };
}

/** "train.py on gpu-node-3 (cuda, 4 processes)": how the run list names where a run was trained. */
export function describeOrigin(o: TrainedElsewhere): string {
  const where = [o.device, o.processes !== undefined ? `${o.processes} process${o.processes === 1 ? '' : 'es'}` : undefined].filter(Boolean).join(', ');
  return `${o.trainedWith}${o.host ? ` on ${o.host}` : ''}${where ? ` (${where})` : ''}`;
}
