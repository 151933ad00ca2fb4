/**
 * Responsiveness and honesty of the page while the studio works: imports the demo, trains a small model and
 * draws its CAM through the real UI, then prints the main thread's long tasks per phase (count, longest,
 * total) and the ETA the panel showed after step 5 against the time the run then took. Both depend on the
 * machine's load, so they are measured here, not bounded in a test.
 *   npm run build && npm run bench:responsive -- [demoCount=64] [epochs=3]
 */
import os from 'node:os';
import { longTasks, mainThreadImageReads, openStudio, servePreview } from '../support/browser';
import { importDemo, setTraining, trainToEnd, waitForBackend, watchEta } from '../support/studio-steps';
import { UI, sel } from '../../src/cli/ui';

const demoCount = Number(process.argv[2] ?? 64);
const epochs = Number(process.argv[3] ?? 3);

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
  const backend = await waitForBackend(page);
  await phase('start');
  await importDemo(page, demoCount);
  await phase('import');
  await setTraining(page, { epochs, batch: 16, width: 0.125, augment: false });
  const etaAfterFiveSteps = await watchEta(page, 5);
  const status = await trainToEnd(page, 1_800_000);
  await phase('train');
  await page.waitForSelector(`${sel(UI.camCanvas)}:not([data-drawn-for=""])`, { timeout: 120_000 });
  await phase('cam');
  console.log(`demo ${demoCount} images, ${epochs} epochs at width 1/8, batch 16, backend ${backend}, run ${status}, ${os.cpus().length} CPU cores`);
  console.log('phase    long tasks  longest ms  total ms');
  for (const [name, tasks] of Object.entries(phases)) {
    console.log(`${name.padEnd(8)} ${String(tasks.length).padStart(10)}  ${Math.max(0, ...tasks).toFixed(0).padStart(10)}  ${tasks.reduce((a, b) => a + b, 0).toFixed(0).padStart(8)}`);
  }
  const all = Object.values(phases).flat();
  console.log(`longest main-thread task: ${Math.max(0, ...all).toFixed(0)} ms; image reads on the main thread: ${(await mainThreadImageReads(page)).length}`);
  const eta = await etaAfterFiveSteps();
  if (eta?.etaSeconds != null) {
    const off = (eta.etaSeconds - eta.actualSeconds) / eta.actualSeconds;
    console.log(`ETA after step ${eta.step}: ${eta.etaSeconds.toFixed(1)} s shown, ${eta.actualSeconds.toFixed(1)} s actual (${off >= 0 ? '+' : ''}${(100 * off).toFixed(0)} %)`);
  } else console.log(`ETA after step ${eta?.step ?? 5}: still estimating`);
} finally {
  await session.close();
  await served.stop();
}
