/**
 * The bundled demo model (public/demo-model/, made by `npm run demo-model`): "Show a trained model" rebuilds the
 * demo data it was trained on, evaluates the model on the held-out val/test images and explains them at once;
 * its CAM peaks must hit the planted lesions of the held-out positives (pointing game ≥ 0.8).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../src/cli/browser';
import { chromiumArgsFor } from '../../src/cli/session';
import { sel, UI } from '../../src/cli/ui';
import { errorTexts, studioFixture, waitForBackend } from '../support/studio-fixture';

const cardPath = path.join(repoRoot, 'public/demo-model/card.json');

describe('bundled demo model', () => {
  // WebGL: on a software adapter it scores and explains 224 px images several times faster than WebGPU
  const studio = studioFixture({ args: chromiumArgsFor('webgl') });

  it('"Show a trained model" gives a CAM that points at the lesion in ≥ 80 % of held-out positives, without training', async () => {
    const { page } = studio;
    const card = JSON.parse(readFileSync(cardPath, 'utf8')) as { pointing: number; positives: number };
    const t0 = performance.now();
    await waitForBackend(page);
    await page.click(sel(UI.showDemoModel));
    const game = page.locator(sel(UI.pointingGame));
    await game.waitFor({ timeout: 600_000 });
    const accuracy = Number(await game.getAttribute('data-accuracy'));
    const total = Number(await game.getAttribute('data-total'));
    console.log(
      `demo model: pointing game ${accuracy.toFixed(3)} over ${total} held-out positives (card: ${card.pointing.toFixed(3)} over ${card.positives}); ` +
        `val AUC ${await page.textContent(sel(UI.metricAuc))}; ${((performance.now() - t0) / 1000).toFixed(0)} s from the click`,
    );
    expect(await page.getAttribute(sel(UI.showcaseStatus), 'data-phase')).toBe('ready');
    expect(total).toBe(card.positives);
    expect(accuracy).toBeGreaterThanOrEqual(0.8);
    expect(await page.getAttribute(sel(UI.camCanvas), 'data-drawn-for')).not.toBe('');
    expect(await errorTexts(page)).toEqual([]);
  }, 900_000);
});

if (!existsSync(cardPath)) throw new Error(`${cardPath} is missing: run \`npm run demo-model\` to make the bundled demo model.`);
