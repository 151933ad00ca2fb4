/**
 * Robustness: mutated conformance files through the real import path end as a decoded image or a typed
 * StudioError, each call within 2 s of CPU time, with bounded memory. Counts by outcome and the slowest call (wall
 * clock and CPU) are printed. The limit is on CPU time because this 2-core machine is shared: under a load of 20
 * an untouched 1024×1024 JPEG 2000 file took 1.5–3.4 s of wall-clock time.
 * `npm test` runs FUZZ_COUNT (default 600) variants; `npm run fuzz` runs 5,000.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatFuzzReport, runFuzz } from '../../support/fuzz/run';

const repoRoot = path.resolve(__dirname, '../../..');
const filesDir = path.resolve(repoRoot, '../shared/data/dicom-conformance/files');
const count = Number(process.env.FUZZ_COUNT ?? 600);
const seed = Number(process.env.FUZZ_SEED ?? 7);
const MAX_CALL_MS = 2000;
const MAX_MEMORY_GROWTH_MB = 500;
const MB = 2 ** 20;
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

describe.skipIf(!existsSync(filesDir))('fuzzed conformance files (needs ../shared/data/dicom-conformance)', () => {
  it(`${count} variants: decoded or a typed error, each within ${MAX_CALL_MS} ms of CPU, memory bounded`, async () => {
    const files = readdirSync(filesDir).map((name) => ({ name, bytes: new Uint8Array(readFileSync(path.join(filesDir, name))) }));
    const start = process.memoryUsage();
    let peakRss = start.rss;
    let peakHeap = start.heapUsed;
    const report = await runFuzz(files, {
      count,
      seed,
      maxCallMs: MAX_CALL_MS,
      cpuClock: cpuMs,
      onCase: (c) => {
        if (c.index % 20 !== 0) return;
        const now = process.memoryUsage();
        peakRss = Math.max(peakRss, now.rss);
        peakHeap = Math.max(peakHeap, now.heapUsed);
      },
    });
    const rssGrowthMb = (peakRss - start.rss) / MB;
    const heapGrowthMb = (peakHeap - start.heapUsed) / MB;
    console.log(
      `${formatFuzzReport(report, 50)}\nmemory growth: rss +${rssGrowthMb.toFixed(0)} MB, heapUsed +${heapGrowthMb.toFixed(0)} MB (peaks over start)`,
    );
    expect(report.total).toBe(count);
    expect(report.failures.map((f) => `#${f.index} ${f.file} ${f.kind} (${f.detail}): ${f.message}`)).toEqual([]);
    expect(report.slowestCpu!.cpuMs).toBeLessThan(MAX_CALL_MS);
    expect(rssGrowthMb).toBeLessThan(MAX_MEMORY_GROWTH_MB);
    expect(heapGrowthMb).toBeLessThan(MAX_MEMORY_GROWTH_MB);
    // the mutations must reach past the parser: some variants still decode and several codes occur
    expect(report.byOutcome.decoded ?? 0).toBeGreaterThan(0);
    expect(Object.keys(report.byOutcome).length).toBeGreaterThanOrEqual(4);
  }, 120_000 + count * 500);
});
