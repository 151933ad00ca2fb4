/**
 * Seeded patient-level train/val/test splits: every image of one patient (or study, or lone file)
 * lands in the same split, so no patient leaks between training and evaluation.
 */
import { StudioError } from '../errors';
import { childSeed } from '../random';
import { compareText } from './order';

export type Split = 'train' | 'val' | 'test';

/**
 * Grouping key: the PatientID, else the StudyInstanceUID, else the file path. Prefixed by kind so a
 * patient ID can never collide with a path or UID.
 */
export function groupKey(meta: { patientId?: string; studyInstanceUid?: string; path: string }): string {
  const patient = meta.patientId?.trim();
  if (patient) return `patient:${patient}`;
  const study = meta.studyInstanceUid?.trim();
  if (study) return `study:${study}`;
  return `file:${meta.path}`;
}

/** FNV-1a over UTF-16 code units, 32-bit. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

function normalisedFractions(fractions: [number, number, number]): number[] {
  const valid = fractions.length === 3 && fractions.every((f) => Number.isFinite(f) && f >= 0);
  const total = valid ? fractions[0] + fractions[1] + fractions[2] : 0;
  if (!(total > 0)) {
    throw new StudioError('bad-config', `Split fractions must be three non-negative numbers with a positive sum, got ${JSON.stringify(fractions)}.`);
  }
  return fractions.map((f) => f / total);
}

/**
 * Groups per split by the largest-remainder method on fractions × group count; then, with at least 3
 * groups, val and test (when their fraction is > 0) get at least one group each, taken from the
 * largest split.
 */
export function groupCounts(groups: number, fractions: [number, number, number]): [number, number, number] {
  const f = normalisedFractions(fractions);
  const ideal = f.map((x) => x * groups);
  const counts = ideal.map(Math.floor);
  const byRemainder = [0, 1, 2].sort((a, b) => ideal[b] - counts[b] - (ideal[a] - counts[a]) || a - b);
  const leftOver = groups - counts.reduce((a, b) => a + b, 0);
  for (let k = 0; k < leftOver; k++) counts[byRemainder[k]]++;
  if (groups >= 3) {
    for (const s of [1, 2]) {
      if (f[s] > 0 && counts[s] === 0) {
        const donor = counts[0] >= Math.max(counts[1], counts[2]) ? 0 : counts[1] >= counts[2] ? 1 : 2;
        counts[donor]--;
        counts[s]++;
      }
    }
  }
  return counts as [number, number, number];
}

/** train / val / test shares of patients when the user chooses none. */
export const DEFAULT_SPLIT_FRACTIONS: [number, number, number] = [0.8, 0.1, 0.1];

/**
 * One split per item. Fractions count GROUPS (patients), not images. Groups are ordered by a seeded
 * hash of their key — so the result depends only on the set of keys and the seed (never on item
 * order), and adding a patient moves few others — then cut into consecutive train/val/test runs.
 */
export function assignSplits(groupKeys: string[], options: { seed: number; fractions: [number, number, number] }): Split[] {
  const unique = [...new Set(groupKeys)];
  const rank = new Map(unique.map((key) => [key, childSeed(options.seed, fnv1a(key))]));
  unique.sort((a, b) => rank.get(a)! - rank.get(b)! || compareText(a, b));
  const [train, val] = groupCounts(unique.length, options.fractions);
  const splitOf = new Map<string, Split>();
  unique.forEach((key, i) => splitOf.set(key, i < train ? 'train' : i < train + val ? 'val' : 'test'));
  return groupKeys.map((key) => splitOf.get(key)!);
}

/** "80/10/10" (also ":", ",", spaces; any positive scale, e.g. "8/1/1" or "0.8/0.1/0.1") → fractions summing to 1. */
export function parseSplitSpec(s: string): [number, number, number] {
  const parts = s.trim().split(/\s*[/:,\s]\s*/);
  const numbers = parts.map((p) => (/^\d+(\.\d+)?$|^\.\d+$/.test(p) ? Number(p) : NaN));
  if (numbers.length !== 3 || numbers.some(Number.isNaN)) {
    throw new StudioError('bad-config', `Split "${s}" is not three numbers like 80/10/10.`);
  }
  const f = normalisedFractions(numbers as [number, number, number]);
  if (f[0] === 0) throw new StudioError('bad-config', `Split "${s}" leaves nothing to train on.`);
  return f as [number, number, number];
}

const SPLIT_FOLDERS: Record<string, Split> = {
  train: 'train',
  training: 'train',
  val: 'val',
  valid: 'val',
  validation: 'val',
  test: 'test',
  testing: 'test',
};

/** Path segments with "\" and "./" normalised away. */
export function pathSegments(path: string): string[] {
  return path.replace(/\\/g, '/').split('/').filter((s) => s !== '' && s !== '.');
}

/**
 * The split named by a top-level folder (train/, val/, valid/, validation/, test/, case-insensitive).
 * The second folder is also checked, because a picked directory's relative paths start with the
 * directory's own name (chest_xray/train/NORMAL/a.png). The file name itself never counts.
 */
export function splitFromPath(path: string): Split | null {
  const folders = pathSegments(path).slice(0, -1);
  for (const folder of folders.slice(0, 2)) {
    const split = SPLIT_FOLDERS[folder.toLowerCase()];
    if (split) return split;
  }
  return null;
}

export function isSplitFolder(name: string): boolean {
  return name.toLowerCase() in SPLIT_FOLDERS;
}
