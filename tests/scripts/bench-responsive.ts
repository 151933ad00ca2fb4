/**
 * Responsiveness of the page while the studio works: imports the demo, trains a small model and draws its
 * CAM through the real UI, then prints the main thread's long tasks (count, longest, total). A wall-clock
 * bound belongs here, not in a test: on a shared machine a long task measures the load as much as the code.
 *   npm run build && npm run bench:responsive -- [demoCount=64] [epochs=2]
 */
import os from 'node:os';
import { longTasks, mainThreadImageReads, openStudio, servePreview } from '../support/browser';
import { UI, sel } from '../../src/cli/ui';

const demoCount = Number(process.argv[2] ?? 64);
const epochs = Number(process.argv[3] ?? 2);

const served = await servePreview();
const session = await openStudio(served.url);
const phases: Record<string, number[]> = {};
let seen = 0;
const phase = async (name: string) => {
  const all = await longTasks(session.page);
  phases[name] = all.slice(seen);
  seen = all.length;
};
try {
  const { page } = session;
  await page.waitForSelector('[data-testid="backend"][data-backend]:not([data-backend=""])', { timeout: 120_000 });
  await phase('start');
  await page.fill('[data-testid="demo-count"]', String(demoCount));
  await page.click('[data-testid="try-demo"]');
  await page.waitForSelector('[data-testid="dataset-row"][data-status="ready"]', { timeout: 600_000 });
  await phase('import');
  await page.fill(sel(UI.epochs), String(epochs));
  await page.fill(sel(UI.batch), '16');
  await page.fill(sel(UI.width), '0.125');
  await page.click(sel(UI.train));
  await page.waitForSelector(`${sel(UI.status)}[data-status="done"], ${sel(UI.status)}[data-status="failed"]`, { timeout: 1_800_000 });
  await phase('train');
  await page.waitForSelector('[data-testid="cam-canvas"]:not([data-drawn-for=""])', { timeout: 120_000 });
  await phase('cam');
  const backend = await page.getAttribute('[data-testid="backend"]', 'data-backend');
  console.log(`demo ${demoCount} images, ${epochs} epochs at width 1/8, backend ${backend}, ${os.cpus().length} CPU cores`);
  console.log('phase    long tasks  longest ms  total ms');
  for (const [name, tasks] of Object.entries(phases)) {
    console.log(`${name.padEnd(8)} ${String(tasks.length).padStart(10)}  ${Math.max(0, ...tasks).toFixed(0).padStart(10)}  ${tasks.reduce((a, b) => a + b, 0).toFixed(0).padStart(8)}`);
  }
  const all = Object.values(phases).flat();
  console.log(`longest main-thread task: ${Math.max(0, ...all).toFixed(0)} ms; image reads on the main thread: ${(await mainThreadImageReads(page)).length}`);
} finally {
  await session.close();
  await served.stop();
}
