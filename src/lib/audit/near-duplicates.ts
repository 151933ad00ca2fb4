/** All-pairs near-duplicate search on 64-bit perceptual hashes (popcount on two 32-bit words per image). */
import type { Split } from '../dataset/splits';
import { hashWords, hammingWords } from './phash';
import type { AuditImage, NearDuplicatePair, SplitLeak } from './types';

/**
 * Pairs at Hamming distance ≤ this are near-duplicates: between different patients' images of the shared cxr-dicom
 * folder the distance is rarely this small, while re-encoded and brightness-changed copies stay well below it (the
 * numbers are in the README's "Dataset audit" section).
 */
export const NEAR_DUPLICATE_THRESHOLD = 4;

/** At most this many pairs are stored with the dataset (the total is counted). */
export const MAX_STORED_PAIRS = 2000;

const SPLIT_ORDER: Split[] = ['train', 'val', 'test'];

export interface NearDuplicateResult {
  total: number;
  crossSplit: number;
  labelConflicts: number;
  pairs: NearDuplicatePair[];
  leaks: SplitLeak[];
}

function splitKey(a: Split, b: Split): string {
  return SPLIT_ORDER.indexOf(a) <= SPLIT_ORDER.indexOf(b) ? `${a}|${b}` : `${b}|${a}`;
}

/**
 * Every pair of hashed images within `threshold`: counted in full; stored up to `maxPairs`, cross-split pairs
 * first, then by distance (kept per distance as they are found, so memory stays bounded on any dataset).
 */
export function findNearDuplicates(
  images: AuditImage[],
  classes: string[],
  threshold = NEAR_DUPLICATE_THRESHOLD,
  maxPairs = MAX_STORED_PAIRS,
): NearDuplicateResult {
  const hashed = images.filter((m) => m.phash);
  const n = hashed.length;
  const high = new Uint32Array(n);
  const low = new Uint32Array(n);
  hashed.forEach((m, i) => ([high[i], low[i]] = hashWords(m.phash!)));
  // kept[crossSplit ? 0 : 1][distance]: index pairs in the order found
  const kept = [0, 1].map(() => Array.from({ length: threshold + 1 }, () => [] as Array<[number, number]>));
  const leaks = new Map<string, SplitLeak>();
  let total = 0;
  let crossSplit = 0;
  let labelConflicts = 0;
  for (let i = 0; i < n; i++) {
    const hi = high[i];
    const lo = low[i];
    for (let j = i + 1; j < n; j++) {
      const d = hammingWords(hi, lo, high[j], low[j]);
      if (d > threshold) continue;
      total++;
      const a = hashed[i];
      const b = hashed[j];
      if (a.label !== b.label) labelConflicts++;
      const cross = a.split !== b.split;
      if (cross) {
        crossSplit++;
        const key = splitKey(a.split, b.split);
        const leak = leaks.get(key) ?? { splits: key.split('|') as [Split, Split], pairs: 0, exact: 0 };
        leak.pairs++;
        if (a.contentHash === b.contentHash) leak.exact++;
        leaks.set(key, leak);
      }
      const bucket = kept[cross ? 0 : 1][d];
      if (bucket.length < maxPairs) bucket.push([i, j]);
    }
  }
  const side = (m: AuditImage) => ({ id: m.id, path: m.sourcePath, split: m.split, label: classes[m.label] ?? null });
  const pairs: NearDuplicatePair[] = [];
  for (const group of kept) {
    for (const [d, bucket] of group.entries()) {
      for (const [i, j] of bucket) {
        if (pairs.length >= maxPairs) break;
        const a = hashed[i];
        const b = hashed[j];
        pairs.push({ a: side(a), b: side(b), distance: d, exact: a.contentHash === b.contentHash, crossSplit: a.split !== b.split });
      }
    }
  }
  const order = (l: SplitLeak) => SPLIT_ORDER.indexOf(l.splits[0]) * 3 + SPLIT_ORDER.indexOf(l.splits[1]);
  return { total, crossSplit, labelConflicts, pairs, leaks: [...leaks.values()].sort((x, y) => order(x) - order(y)) };
}

/** "12 near-duplicate pairs across train and test (3 with identical pixels), 3 across train and val", or null. */
export function leakageMessage(leaks: SplitLeak[]): string | null {
  if (leaks.length === 0) return null;
  const parts = leaks.map((l, i) => {
    const exact = l.exact > 0 ? ` (${l.exact} with identical pixels)` : '';
    const what = i === 0 ? ` near-duplicate pair${l.pairs === 1 ? '' : 's'}` : '';
    return `${l.pairs}${what} across ${l.splits[0]} and ${l.splits[1]}${exact}`;
  });
  return `Possible leakage: ${parts.join(', ')}. The same picture in two splits makes validation and test figures look better than they are.`;
}
