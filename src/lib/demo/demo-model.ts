/**
 * The bundled demo model (public/demo-model/): a small ResNet-18 the studio trained on its own demo data, with
 * the card that says how to rebuild the exact dataset it was trained on and what it scored there.
 */
import { StudioError } from '../errors';

export interface DemoModelCard {
  /** the demo dataset it was trained on: importDemo({ count, size, seed }) rebuilds it image for image */
  count: number;
  size: number;
  seed: number;
  /** training configuration */
  width: number;
  epochs: number;
  batch: number;
  lr: number;
  /** the training dataset's mean/std (the same demo dataset reproduces them) */
  mean: number;
  std: number;
  /** measured when it was made: pointing game over the held-out (val + test) positives, and their number */
  pointing: number;
  positives: number;
}

const NUMBER_FIELDS = ['count', 'size', 'seed', 'width', 'epochs', 'batch', 'lr', 'mean', 'std', 'pointing', 'positives'] as const;

/** The card from its JSON text; a field missing or not a finite number is named in the error. */
export function parseDemoModelCard(text: string): DemoModelCard {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new StudioError('bad-weights', 'The demo model card (demo-model/card.json) is not JSON.');
  }
  if (!raw || typeof raw !== 'object') throw new StudioError('bad-weights', 'The demo model card (demo-model/card.json) is not an object.');
  const card = {} as DemoModelCard;
  for (const field of NUMBER_FIELDS) {
    const v = (raw as Record<string, unknown>)[field];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new StudioError('bad-weights', `The demo model card (demo-model/card.json) lacks a number "${field}".`);
    card[field] = v;
  }
  if (card.size < 32 || card.count < 10 || card.std <= 0) throw new StudioError('bad-weights', 'The demo model card (demo-model/card.json) describes no usable dataset.');
  return card;
}

/** The id importDemo gives the card's dataset (datasets.svelte.ts names demo datasets this way). */
export function demoDatasetId(card: Pick<DemoModelCard, 'count' | 'size' | 'seed'>): string {
  return `demo-${card.count}-${card.size}px-seed${card.seed}`;
}
