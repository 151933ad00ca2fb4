/**
 * The numbers behind the near-duplicate threshold (src/lib/audit/near-duplicates.ts), opt-in because it decodes the
 * shared cxr-dicom folder once per size: perceptual-hash distances between images of different patients, and
 * between images and their re-encoded / brightness-changed copies, decoded by the studio's own pipeline.
 *
 *   /usr/bin/python3 tests/scripts/make-audit-folders.py variants ../shared/data/cxr-dicom /tmp/variants 200
 *   PHASH_VARIANTS=/tmp/variants [PHASH_SIZES=32,64,224] npx vitest run --project unit tests/unit/audit/phash-threshold.test.ts
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderToModelSize } from '../../../src/lib/image';
import { hamming, perceptualHash } from '../../../src/lib/audit/phash';
import { NEAR_DUPLICATE_THRESHOLD } from '../../../src/lib/audit/near-duplicates';
import { csvRecords } from '../../../src/lib/dataset/csv';

const dataRoot = path.resolve(__dirname, '../../../../shared/data');
const source = path.join(dataRoot, 'cxr-dicom');
const variantsDir = process.env.PHASH_VARIANTS ?? '';
const sizes = (process.env.PHASH_SIZES ?? '32,64,224').split(',').map(Number);
const skip = !variantsDir ? 'set PHASH_VARIANTS (see the comment) to measure' : !existsSync(source) ? 'no ../shared/data/cxr-dicom' : null;

async function hashOf(file: string, name: string, size: number): Promise<string> {
  const { pixels } = await renderToModelSize(new Uint8Array(readFileSync(file)), name, size, 'stretch');
  return perceptualHash(pixels, size);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

describe.skipIf(skip !== null)('near-duplicate threshold on cxr-dicom', () => {
  it.each(sizes)('separates copies from different patients at %i px', async (size) => {
    const manifest = csvRecords(readFileSync(path.join(dataRoot, 'cxr-dicom-manifest.csv'), 'utf8'));
    const hashes: Array<[string, string]> = [];
    for (const r of manifest) hashes.push([r.file, await hashOf(path.join(source, r.file), r.file, size)]);
    const patientOf = new Map(manifest.map((r) => [r.file, r.patient]));
    const between: number[] = [];
    for (let i = 0; i < hashes.length; i++) {
      for (let j = i + 1; j < hashes.length; j++) {
        if (patientOf.get(hashes[i][0]) !== patientOf.get(hashes[j][0])) between.push(hamming(hashes[i][1], hashes[j][1]));
      }
    }
    between.sort((a, b) => a - b);
    const atMost = (t: number) => between.filter((d) => d <= t).length;
    console.log(
      `size ${size}: ${between.length} pairs of different patients: min ${between[0]}, 0.001 % ${percentile(between, 0.001)}, ` +
        `0.01 % ${percentile(between, 0.01)}, 0.1 % ${percentile(between, 0.1)}, 1 % ${percentile(between, 1)}, median ${percentile(between, 50)}; ` +
        `pairs ≤ t: ${[4, 6, 8, 10, 12, 14].map((t) => `${t}: ${atMost(t)}`).join(', ')}`,
    );
    const byFile = new Map(hashes);
    let worstCopy = 0;
    for (const kind of readdirSync(variantsDir)) {
      const distances: number[] = [];
      for (const cls of readdirSync(path.join(variantsDir, kind))) {
        for (const name of readdirSync(path.join(variantsDir, kind, cls))) {
          const h = await hashOf(path.join(variantsDir, kind, cls, name), name, size);
          distances.push(hamming(h, byFile.get(`${cls}/${name}`)!));
        }
      }
      distances.sort((a, b) => a - b);
      worstCopy = Math.max(worstCopy, distances.at(-1)!);
      console.log(`  size ${size} ${kind}: ${distances.length} copies, distance to the original: max ${distances.at(-1)}, 99 % ${percentile(distances, 99)}, median ${percentile(distances, 50)}`);
    }
    expect(worstCopy).toBeLessThanOrEqual(NEAR_DUPLICATE_THRESHOLD);
  }, 600_000);
});
