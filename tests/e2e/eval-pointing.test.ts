/**
 * Demo pointing game after training in the studio (Chromium; WebGL on SwiftShader by default): the share of
 * positive demo VALIDATION + TEST images (held out from training) whose CAM peak (positive class) lies in the planted lesion, within the standard
 * tolerance (15 px at 224 px, scaled). The configuration is the feasible one measured for the report;
 * override it with EVAL_POINTING_{SIZE,COUNT,EPOCHS,WIDTH,LR,BATCH,AUGMENT} to explore; EVAL_POINTING_SAVE=<dir> keeps
 * the trained model and its card (the dataset it was trained on, its mean/std, the score): `npm run demo-model` makes
 * the studio's bundled demo model (public/demo-model/) this way.
 *
 * Measured here (width ⅛, lr 1e-3, batch 32, 3 epochs, no augmentation, WebGL on SwiftShader):
 *   128 px, 1,200 images: val AUC 0.984, pointing game 0.414 (with augmentation: AUC 0.947, 0.362);
 *   160 px, 1,200 images: val AUC 0.957, pointing game 0.690 (training 25 min);
 *   224 px,   800 images: val AUC 0.931, pointing game 0.778 over 81 positives (training 23 min);
 *   224 px, 1,600 images: val AUC 0.980, pointing game 0.826 over 155 positives (training 37 min) — the default.
 * The classifier looks at the lesion (at 128 px 43 of 48 unseen positive images score > 0, 1 of 48 once the
 * lesion is filled with the lung's mean grey) and the CAM peak lies on the lesion's side in 47 of 48 images, but
 * on a small layer-4 map the peak is drawn towards the centre: on a 4×4 (128 px) or 5×5 (160 px) map most cells
 * touch the zero-padded border, where every activation is weaker; at 224 px (7×7) more cells are interior, and
 * more training images sharpen the maps further (tests/scripts/pointing-analysis.ts repeats the analysis).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { strFromU8 } from 'fflate';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromiumArgsFor } from '../../src/cli/session';
import { downloadBytes, fill, sel, UI } from '../../src/cli/ui';
import { errorTexts, importDemo, setTraining, studioFixture, trainToEnd, waitForBackend } from '../support/studio-fixture';
import type { BackendChoice } from '../../src/cli/options';
import { DEMO_DEFAULTS } from '../../src/lib/demo/generate';

const env = (name: string, fallback: number) => Number(process.env[`EVAL_POINTING_${name}`] ?? fallback);
// WebGL by default: on SwiftShader it trains this configuration ~8× faster than WebGPU (EVAL_POINTING_BACKEND=webgpu to compare)
const BACKEND = (process.env.EVAL_POINTING_BACKEND ?? 'webgl') as BackendChoice;
// training may take up to EVAL_POINTING_TRAIN_MINUTES (default 70); the test allows 10 more for import, CAMs and exports
const TRAIN_MS = env('TRAIN_MINUTES', 70) * 60_000;
const CFG = { backend: BACKEND, size: env('SIZE', 224), count: env('COUNT', 1600), epochs: env('EPOCHS', 3), width: env('WIDTH', 0.125), lr: env('LR', 0.001), batch: env('BATCH', 32), augment: env('AUGMENT', 0) === 1 };

// Opt-in (about 40 min on SwiftShader). A 128 px input gives a 4×4 layer-4 map: even an ideal CAM can point at
// 92 % of the demo lesions (tests/unit/eval/pointing-game.test.ts), 160 px at all of them.
const enabled = process.env.EVAL_POINTING === '1';
if (!enabled) console.warn('skipping the demo pointing game: set EVAL_POINTING=1 (about 40 minutes on a software adapter)');

describe.skipIf(!enabled)('demo pointing game', () => {
  const studio = studioFixture({ args: chromiumArgsFor(BACKEND) });

  it(`CAM peaks hit the planted lesion in ≥ 80% of positive held-out images (${JSON.stringify(CFG)})`, async () => {
    const { page } = studio;
    const t0 = performance.now();
    expect(await waitForBackend(page)).toBe(BACKEND);
    await fill(page, UI.importSize, CFG.size, 'for the stored size');
    await importDemo(page, CFG.count);
    const tImport = performance.now();

    // no augmentation by default: a random resized crop can cut the planted lesion out of a positive image
    await setTraining(page, { epochs: CFG.epochs, batch: CFG.batch, width: CFG.width, lr: CFG.lr, augment: CFG.augment });
    await page.check(sel(UI.teacherToggle));
    const progress = setInterval(() => {
      void page.textContent(sel(UI.progress), { timeout: 1000 }).then(
        (t) => console.log(`${((performance.now() - t0) / 1000).toFixed(0)} s: ${t?.trim().replace(/\s+/g, ' ')}`),
        () => undefined,
      );
    }, 30_000);
    await trainToEnd(page, TRAIN_MS);
    clearInterval(progress);
    expect(await errorTexts(page)).toEqual([]);
    const tTrain = performance.now();

    const game = page.locator(sel(UI.pointingGame));
    await game.waitFor({ timeout: 120_000 });
    const accuracy = Number(await game.getAttribute('data-accuracy'));
    const total = Number(await game.getAttribute('data-total'));
    const auc = await page.textContent(sel(UI.metricAuc));
    const history = await page.locator(sel(UI.historyRow)).evaluateAll((rows) => rows.map((r) => r.textContent?.trim().replace(/\s+/g, ' ')));
    console.log(`history:\n  ${history.join('\n  ')}`);
    console.log(
      `pointing game ${accuracy.toFixed(3)} over ${total} positive val+test images; val AUC ${auc}; ` +
        `import ${((tImport - t0) / 1000).toFixed(0)} s, training ${((tTrain - tImport) / 1000).toFixed(0)} s, pointing ${((performance.now() - tTrain) / 1000).toFixed(0)} s`,
    );
    // teacher mode followed the training: its maps were refreshed after the epochs (one refresh at a time)
    const teacherEpochs = Number(await page.getAttribute(sel(UI.teacherStatus), 'data-epoch'));
    console.log(`teacher mode refreshed ${teacherEpochs} times over ${CFG.epochs} epochs`);
    expect(teacherEpochs).toBeGreaterThanOrEqual(Math.min(2, CFG.epochs));
    expect(await page.getAttribute(sel(UI.teacherCam), 'data-drawn-for')).not.toBe('');

    // predictions.csv covers the scored val and test images
    const csv = strFromU8((await downloadBytes(page, UI.exportPredictions, 'to save predictions')).bytes);
    const rows = csv.trimEnd().split('\r\n');
    expect(rows[0]).toBe('file,patient,split,label,logit,probability,predicted');
    expect(new Set(rows.slice(1).map((r) => r.split(',')[2]))).toEqual(new Set(['val', 'test']));

    // EVAL_POINTING_SAVE=<dir>: keep the trained model and the dataset's mean/std for offline analysis
    const saveDir = process.env.EVAL_POINTING_SAVE;
    if (saveDir) {
      await mkdir(saveDir, { recursive: true });
      await writeFile(path.join(saveDir, 'model.safetensors'), (await downloadBytes(page, UI.exportModel, 'to save the model')).bytes);
      const stats = page.locator(sel(UI.datasetStats)).first();
      const meanStd = { mean: Number(await stats.getAttribute('data-mean')), std: Number(await stats.getAttribute('data-std')) };
      // the card the studio's "Show a trained model" reads (src/lib/demo/demo-model.ts)
      const card = { count: CFG.count, size: CFG.size, seed: DEMO_DEFAULTS.seed, width: CFG.width, epochs: CFG.epochs, batch: CFG.batch, lr: CFG.lr, ...meanStd, pointing: accuracy, positives: total, backend: CFG.backend, augment: CFG.augment, valAuc: Number(auc) };
      await writeFile(path.join(saveDir, 'card.json'), `${JSON.stringify(card, null, 2)}\n`);
      console.log(`saved the model and ${JSON.stringify(meanStd)} to ${saveDir}`);
    }

    expect(total).toBeGreaterThanOrEqual(10);
    expect(accuracy).toBeGreaterThanOrEqual(0.8);
  }, TRAIN_MS + 600_000);
});
