/**
 * Import throughput in Chromium through the real UI: N RSNA-sized (1024×1024, 8-bit, JPEG baseline)
 * DICOM files in two class folders, generated in /tmp. Prints files/s and the longest main-thread task.
 *   npm run build && npm run bench:import -- [count=200] [size=224]
 */
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStudio, servePreview } from '../support/browser';
import { importFolder, storedCounts, waitForReady, watchLongTasksFromNow, watchedLongTasks } from '../support/import-flow';
import { writeRsnaSizedFolder } from '../support/jpeg-dicom';

const count = Number(process.argv[2] ?? 200);
const importSize = Number(process.argv[3] ?? 224);
const SOURCE_SIZE = 1024;

const dir = path.join(os.tmpdir(), `cxr-bench-${count}`);
const bytes = writeRsnaSizedFolder(dir, count, SOURCE_SIZE);
console.log(`${count} files of ${SOURCE_SIZE}×${SOURCE_SIZE} JPEG baseline DICOM in ${dir} (${(bytes / count / 1024).toFixed(0)} KiB each), ${os.cpus().length} CPU cores`);

const served = await servePreview();
const session = await openStudio(served.url);
try {
  const { page } = session;
  await page.waitForSelector('[data-testid="backend"][data-backend]:not([data-backend=""])', { timeout: 120_000 });
  const workers = await page.evaluate(() => Math.max(1, navigator.hardwareConcurrency - 1));
  const started = performance.now();
  await importFolder(page, dir, { size: importSize });
  const picked = performance.now();
  await watchLongTasksFromNow(page);
  const datasetId = `folder-${path.basename(dir)}-${importSize}px`;
  await waitForReady(page, datasetId, 900_000);
  const seconds = (performance.now() - started) / 1000;
  const counts = await storedCounts(page, datasetId);
  const tasks = await watchedLongTasks(page);
  console.log(`stored ${counts.images} images (${counts.rejections} rejected) at ${importSize} px with ${workers} import worker(s)`);
  console.log(`choosing the folder (Chromium builds the FileList): ${((picked - started) / 1000).toFixed(2)} s`);
  console.log(`import: ${seconds.toFixed(2)} s → ${(count / seconds).toFixed(1)} files/s (target ≥ 140)`);
  console.log(`main-thread long tasks after the pick: ${tasks.length}, longest ${Math.max(0, ...tasks.map((t) => t.durationMs))} ms`);
} finally {
  await session.close();
  await served.stop();
  rmSync(dir, { recursive: true, force: true });
}
