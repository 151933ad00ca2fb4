/** latent-map.csv: one row per point, its position on the map and what it is coloured and sized by. */
import type { ImageTags } from '../audit/types';
import { toCsv } from '../dataset/csv';
import { TAG_NAMES } from './appearance';
import type { LatentPoint } from './points';

export const LATENT_COLUMNS = ['id', 'path', 'split', 'label', 'prediction', 'p', 'loss', 'x', 'y'] as const;

/** Tag columns (named by their ImageTags key) follow the fixed ones, for each attribute at least one point has. */
export function latentCsv(points: LatentPoint[], classes: readonly string[]): string {
  const tagKeys = (Object.keys(TAG_NAMES) as Array<keyof ImageTags>).filter((k) => points.some((p) => p.tags[k] !== undefined));
  const rows = points.map((p) => [
    p.id,
    p.sourcePath,
    p.split,
    classes[p.label] ?? String(p.label),
    classes[p.predicted] ?? String(p.predicted),
    p.p.toPrecision(7),
    p.loss.toPrecision(7),
    p.x.toPrecision(9),
    p.y.toPrecision(9),
    ...tagKeys.map((k) => p.tags[k] ?? ''),
  ]);
  return toCsv([[...LATENT_COLUMNS, ...tagKeys], ...rows], '\r\n');
}
