/** The training panel's Advanced section: every config field has a labelled control, and bad input is refused in words. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStudio, servePreview, type Served, type Session } from '../support/browser';
import { UI, sel } from '../../src/cli/ui';

describe('advanced training settings', () => {
  let served: Served;
  let s: Session;
  beforeAll(async () => {
    served = await servePreview();
    s = await openStudio(served.url);
  });
  afterAll(async () => {
    await s?.close();
    await served?.stop();
  });

  it('monitor, schedule, imbalance, GPU budget and micro-batch have labelled controls; a bad number is refused', async () => {
    const { page } = s;
    await page.click(`${sel(UI.advanced)} summary`);
    for (const id of [UI.monitor, UI.schedule, UI.imbalance, UI.gpuBudget, UI.microBatch]) {
      const label = await page.locator(sel(id)).evaluate((el) => el.closest('label')?.textContent?.trim() ?? '');
      expect(label, id).not.toBe('');
    }
    await page.locator(sel(UI.monitor)).selectOption('loss');
    expect(await page.inputValue(sel(UI.monitor))).toBe('loss');
    await page.fill(sel(UI.gpuBudget), '-5');
    await page.locator(sel(UI.gpuBudget)).dispatchEvent('change');
    await page.waitForSelector(sel(UI.advancedError));
    expect(await page.textContent(sel(UI.advancedError))).toMatch(/budget/i);
    await page.fill(sel(UI.gpuBudget), '1500');
    await page.locator(sel(UI.gpuBudget)).dispatchEvent('change');
    await expect.poll(() => page.locator(sel(UI.advancedError)).count()).toBe(0);
    expect(s.consoleErrors).toEqual([]);
  });
});
