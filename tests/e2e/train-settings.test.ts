/** The training panel's Advanced section: every config field has a labelled control, and bad input is refused in words. */
import { describe, expect, it } from 'vitest';
import { UI, fill, sel } from '../../src/cli/ui';
import { importDemo, setTraining, studioFixture, trainToEnd, waitForBackend } from '../support/studio-fixture';

describe('advanced training settings', () => {
  const studio = studioFixture();

  it('monitor, schedule, imbalance, GPU budget and micro-batch have labelled controls; a bad number is refused', async () => {
    const { page, session: s } = studio;
    await page.click(`${sel(UI.advanced)} summary`);
    for (const id of [UI.monitor, UI.schedule, UI.imbalance, UI.gpuBudget, UI.microBatch]) {
      const label = await page.locator(sel(id)).evaluate((el) => el.closest('label')?.textContent?.trim() ?? '');
      expect(label, id).not.toBe('');
    }
    await page.locator(sel(UI.monitor)).selectOption('loss');
    expect(await page.inputValue(sel(UI.monitor))).toBe('loss');
    await fill(page, UI.gpuBudget, -5, 'for the GPU budget');
    await page.waitForSelector(sel(UI.advancedError));
    expect(await page.textContent(sel(UI.advancedError))).toMatch(/budget/i);
    await fill(page, UI.gpuBudget, 1500, 'for the GPU budget');
    await expect.poll(() => page.locator(sel(UI.advancedError)).count()).toBe(0);
    expect(s.consoleErrors).toEqual([]);
  });

  it('81 images at batch 16 train: the last batch of one image joins the one before, and the run says so', async () => {
    const { page } = studio;
    await waitForBackend(page);
    // 81 patients split 80/10/10 leave 65 training images: four batches of 16 and one of 1
    await importDemo(page, 81, 32);
    await setTraining(page, { epochs: 1, batch: 16, width: 0.125 });
    expect(await trainToEnd(page, 600_000)).toBe('done');
    expect(await page.textContent(sel(UI.trainEnding))).toMatch(/65 training images at batch 16 leave a last batch of one image.*4 steps per epoch, the last of 17 images/);
  });
});
