/**
 * Import throughput in Chromium through the real UI, in one run:
 *  1. `count` RSNA-sized (1024×1024, 8-bit, JPEG baseline) DICOM files in two class folders, converted by the
 *     single-process pydicom + OpenCV loop (tests/scripts/bench-import-pydicom.py) and imported by the studio:
 *     files/s of both, their ratio, and the studio's ms per file for each stage.
 *  2. `small` small (64×64) files imported, with the peak JS heap of the page and of its workers (DevTools protocol).
 *   npx vite build --outDir /tmp/dist && STUDIO_DIST=/tmp/dist npm run bench:import -- [count=1000] [size=224] [small=20000]
 * Writes bench-import.json beside package.json.
 */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { IMPORT_STAGES, type ImportProfile } from '../../src/lib/dataset/import-profile';
import { openStudio, repoRoot, servePreview } from '../support/browser';
import { importFolder, storedCounts, waitForFolderDataset, watchLongTasksFromNow, watchedLongTasks } from '../support/import-flow';
import { writeRsnaSizedFolder } from '../support/jpeg-dicom';
import { waitForBackend } from '../support/studio-steps';

const count = Number(process.argv[2] ?? 1000);
const importSize = Number(process.argv[3] ?? 224);
const smallCount = Number(process.argv[4] ?? 20000);
const SOURCE_SIZE = 1024;
const SMALL_SIZE = 64;

/**
 * The JS heap in use by each worker of the page, through the DevTools protocol (performance.memory exists in pages
 * only): Runtime.getHeapUsage sent to every worker target.
 */
async function workerHeaps(cdp: CDPSession): Promise<number[]> {
  const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: Array<{ targetId: string; type: string }> };
  const workers = targetInfos.filter((t) => t.type === 'worker');
  return Promise.all(
    workers.map(async (t) => {
      const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId: t.targetId, flatten: false })) as { sessionId: string };
      const id = Math.floor(Math.random() * 1e9);
      const reply = new Promise<number>((resolve) => {
        const onMessage = (e: { sessionId: string; message: string }) => {
          const m = JSON.parse(e.message) as { id?: number; result?: { usedSize: number } };
          if (e.sessionId !== sessionId || m.id !== id) return;
          cdp.off('Target.receivedMessageFromTarget', onMessage);
          resolve(m.result?.usedSize ?? 0);
        };
        cdp.on('Target.receivedMessageFromTarget', onMessage);
      });
      await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method: 'Runtime.getHeapUsage' }) });
      const used = await Promise.race([reply, new Promise<number>((r) => setTimeout(() => r(0), 2000))]);
      await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => undefined);
      return used;
    }),
  );
}

/** Peak JS heap in use by the page, by its workers together, and by all together, sampled every 500 ms. */
function watchHeap(page: Page, cdp: CDPSession): { stop(): Promise<{ pageMiB: number; workersMiB: number; totalMiB: number }> } {
  let pagePeak = 0;
  let workersPeak = 0;
  let totalPeak = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const { usedSize } = (await cdp.send('Runtime.getHeapUsage').catch(() => ({ usedSize: 0 }))) as { usedSize: number };
      const workers = (await workerHeaps(cdp).catch(() => [0])).reduce((a, b) => a + b, 0);
      pagePeak = Math.max(pagePeak, usedSize);
      workersPeak = Math.max(workersPeak, workers);
      totalPeak = Math.max(totalPeak, usedSize + workers);
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  const mib = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;
  return {
    async stop() {
      running = false;
      await loop;
      return { pageMiB: mib(pagePeak), workersMiB: mib(workersPeak), totalMiB: mib(totalPeak) };
    },
  };
}

async function lastProfile(page: Page): Promise<ImportProfile> {
  return page.evaluate(() => {
    const marks = performance.getEntriesByName('cxr-import-profile');
    return (marks[marks.length - 1] as PerformanceMark).detail;
  });
}

async function importTimed(page: Page, dir: string, size: number) {
  const started = performance.now();
  await importFolder(page, dir, { size });
  const picked = performance.now();
  await watchLongTasksFromNow(page);
  const heap = watchHeap(page, await page.context().newCDPSession(page));
  const id = await waitForFolderDataset(page, path.basename(dir), size, 3_600_000);
  const seconds = (performance.now() - started) / 1000;
  const peak = await heap.stop();
  return { id, seconds, pickSeconds: (picked - started) / 1000, peak, counts: await storedCounts(page, id), profile: await lastProfile(page), tasks: await watchedLongTasks(page) };
}

const tmp = os.tmpdir();
const dir = path.join(tmp, `cxr-bench-${count}`);
const smallDir = path.join(tmp, `cxr-bench-small-${smallCount}`);
const bytes = writeRsnaSizedFolder(dir, count, SOURCE_SIZE);
console.log(`${count} files of ${SOURCE_SIZE}×${SOURCE_SIZE} JPEG baseline DICOM in ${dir} (${(bytes / count / 1024).toFixed(0)} KiB each), ${os.cpus().length} CPU cores, load ${os.loadavg()[0].toFixed(1)}`);

const python = execFileSync('/usr/bin/python3', [path.join(repoRoot, 'tests/scripts/bench-import-pydicom.py'), dir, String(importSize)], { encoding: 'utf8' }).trim();
const pythonRate = Number(/→ ([\d.]+) files\/s/.exec(python)?.[1]);
console.log(python);

const served = await servePreview();
const session = await openStudio(served.url);
const report: Record<string, unknown> = { cores: os.cpus().length, count, importSize, pythonFilesPerSecond: pythonRate };
try {
  const { page } = session;
  await waitForBackend(page);
  const workers = await page.evaluate(() => navigator.hardwareConcurrency);
  const big = await importTimed(page, dir, importSize);
  const rate = count / big.seconds;
  console.log(`stored ${big.counts.images} images (${big.counts.rejections} rejected) at ${importSize} px with ${workers} import worker(s)`);
  console.log(`choosing the folder (Chromium builds the FileList): ${big.pickSeconds.toFixed(2)} s`);
  console.log(`studio: ${count} files in ${big.seconds.toFixed(2)} s → ${rate.toFixed(1)} files/s`);
  console.log(`pydicom+opencv: ${pythonRate.toFixed(1)} files/s → studio / python = ${(rate / pythonRate).toFixed(2)}× (target ≥ 2)`);
  const files = Math.max(1, big.profile.files);
  console.log(`ms per file, summed over ${workers} worker(s) (wall ms per file: ${((big.seconds * 1000) / count).toFixed(2)}):`);
  for (const stage of IMPORT_STAGES) console.log(`  ${stage.padEnd(9)} ${(big.profile.stageMs[stage] / files).toFixed(2).padStart(8)}`);
  console.log(`main-thread long tasks after the pick: ${big.tasks.length}, longest ${Math.max(0, ...big.tasks.map((t) => t.durationMs))} ms`);
  console.log(`peak JS heap: page ${big.peak.pageMiB} MiB, workers ${big.peak.workersMiB} MiB`);
  Object.assign(report, {
    studioFilesPerSecond: rate,
    ratio: rate / pythonRate,
    msPerFile: Object.fromEntries(IMPORT_STAGES.map((s) => [s, big.profile.stageMs[s] / files])),
    longestTaskMs: Math.max(0, ...big.tasks.map((t) => t.durationMs)),
    peakHeap: big.peak,
  });
  rmSync(dir, { recursive: true, force: true });

  if (smallCount > 0) {
    writeRsnaSizedFolder(smallDir, smallCount, SMALL_SIZE);
    const small = await importTimed(page, smallDir, 32);
    console.log(
      `${smallCount} files of ${SMALL_SIZE}×${SMALL_SIZE}: stored ${small.counts.images} (${small.counts.rejections} rejected) in ${small.seconds.toFixed(1)} s ` +
        `→ ${(smallCount / small.seconds).toFixed(1)} files/s; peak JS heap: page ${small.peak.pageMiB} MiB, workers ${small.peak.workersMiB} MiB, together ${small.peak.totalMiB} MiB`,
    );
    report.small = { count: smallCount, stored: small.counts.images, seconds: small.seconds, peakHeap: small.peak, longestTaskMs: Math.max(0, ...small.tasks.map((t) => t.durationMs)) };
  }
  writeFileSync(path.join(repoRoot, 'bench-import.json'), `${JSON.stringify(report, null, 2)}\n`);
} catch (e) {
  console.error('bench:import failed:', e);
  process.exitCode = 1;
} finally {
  await session.close().catch(() => undefined);
  await served.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(smallDir, { recursive: true, force: true });
}
