/**
 * How a point looks: its colour names a category (label, prediction, correctness or a DICOM attribute), its
 * radius grows with its loss so that confident mistakes stand out.
 */
import type { ImageTags } from '../audit/types';
import type { LatentPoint } from './points';

export type ColourBy = 'label' | 'prediction' | 'correctness' | `tag:${keyof ImageTags}`;

/** Okabe–Ito: told apart with the common colour-vision deficiencies; the yellow is left out (too light on white) */
export const CATEGORY_COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'] as const;
/** categories past the palette's length share this grey */
export const OTHER_COLOUR = '#8a8a8a';
export const MISSING_TAG = '(none)';

export const TAG_NAMES: Record<keyof ImageTags, string> = {
  viewPosition: 'view position',
  modality: 'modality',
  manufacturer: 'manufacturer',
  photometric: 'photometric interpretation',
  bitsStored: 'bits stored',
  pixelSpacing: 'pixel spacing',
  transferSyntax: 'transfer syntax',
};

export interface ColourOption {
  by: ColourBy;
  name: string;
}

/** label, prediction, correctness, then each audit attribute that at least one point has */
export function colourOptions(points: LatentPoint[]): ColourOption[] {
  const options: ColourOption[] = [
    { by: 'label', name: 'label' },
    { by: 'prediction', name: 'prediction' },
    { by: 'correctness', name: 'correct at the threshold' },
  ];
  for (const key of Object.keys(TAG_NAMES) as Array<keyof ImageTags>) {
    if (points.some((p) => p.tags[key] !== undefined && p.tags[key] !== '')) options.push({ by: `tag:${key}`, name: TAG_NAMES[key] });
  }
  return options;
}

export function categoryOf(point: LatentPoint, by: ColourBy, classes: readonly string[]): string {
  if (by === 'label') return classes[point.label] ?? String(point.label);
  if (by === 'prediction') return classes[point.predicted] ?? String(point.predicted);
  if (by === 'correctness') return point.correct ? 'correct' : 'wrong';
  const value = point.tags[by.slice('tag:'.length) as keyof ImageTags];
  return value === undefined || value === '' ? MISSING_TAG : String(value);
}

export interface LegendEntry {
  category: string;
  colour: string;
  count: number;
}

export interface Colouring {
  /** one colour per point, in the points' order */
  colours: string[];
  legend: LegendEntry[];
}

/** Classes keep their order (so a class has the same colour under label and prediction); other categories sort by name. */
export function colourPoints(points: LatentPoint[], by: ColourBy, classes: readonly string[]): Colouring {
  const categories = points.map((p) => categoryOf(p, by, classes));
  const present = [...new Set(categories)];
  const order =
    by === 'label' || by === 'prediction'
      ? [...classes.filter((c) => present.includes(c)), ...present.filter((c) => !classes.includes(c)).sort()]
      : by === 'correctness'
        ? ['correct', 'wrong'].filter((c) => present.includes(c))
        : present.sort((a, b) => (a === MISSING_TAG ? 1 : b === MISSING_TAG ? -1 : a.localeCompare(b)));
  const colourOf = new Map(order.map((c, k) => [c, k < CATEGORY_COLOURS.length ? CATEGORY_COLOURS[k] : OTHER_COLOUR]));
  const counts = new Map<string, number>();
  for (const c of categories) counts.set(c, (counts.get(c) ?? 0) + 1);
  return {
    colours: categories.map((c) => colourOf.get(c)!),
    legend: order.map((category) => ({ category, colour: colourOf.get(category)!, count: counts.get(category)! })),
  };
}

export const MIN_RADIUS = 2;
export const MAX_RADIUS = 8;
/** losses above this (σ of the true class under 2 %) get the largest point */
export const LOSS_CAP = 4;

/** The point's area grows in proportion to its loss, from MIN_RADIUS at 0 to MAX_RADIUS at LOSS_CAP and beyond. */
export function radiusForLoss(loss: number): number {
  const share = Number.isFinite(loss) ? Math.min(Math.max(loss, 0), LOSS_CAP) / LOSS_CAP : 1;
  return Math.sqrt(MIN_RADIUS ** 2 + share * (MAX_RADIUS ** 2 - MIN_RADIUS ** 2));
}
