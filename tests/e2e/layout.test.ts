/**
 * The responsive layout and the guide: at a desktop and a phone viewport, nothing (a long dataset name
 * included) makes the page wider than the window; the guide says what comes next and links to each step.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { UI, sel } from '../../src/cli/ui';
import { importDemo, studioFixture, waitForBackend } from '../support/studio-fixture';

const widerThanWindow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
const guideStates = (page: Page) =>
  page.locator(sel(UI.guideStep)).evaluateAll((links) => links.map((a) => `${a.getAttribute('data-step')}:${a.getAttribute('data-state')}:${a.getAttribute('aria-current') ?? ''}`));

describe('layout', () => {
  const studio = studioFixture();

  it('fits 1280×800 and 390×844 with a long name; the guide moves from data to training', async () => {
    const { page } = studio;
    await waitForBackend(page);
    expect(await page.getAttribute(sel(UI.guide), 'data-step')).toBe('data');
    expect(await guideStates(page)).toEqual(['data:current:step', 'train:todo:', 'evaluate:todo:', 'explain:todo:']);
    // every step links to a target on the page
    const targets = await page.locator(sel(UI.guideStep)).evaluateAll((links) => links.map((a) => !!document.querySelector(a.getAttribute('href')!)));
    expect(targets).toEqual([true, true, true, true]);

    await importDemo(page, 20, 32);
    const longName = `${'a-very-long-dataset-name-without-any-space/'.repeat(6)}end`;
    await page.click(sel(UI.rename));
    await page.fill(sel(UI.renameInput), longName);
    await page.click(sel(UI.renameSave));
    await page.waitForSelector(`${sel(UI.datasetName)}[title="${longName}"]`);
    await page.click(sel(UI.browse));
    await page.waitForSelector(sel(UI.thumbnail));

    for (const [width, height] of [[1280, 800], [390, 844]]) {
      await page.setViewportSize({ width, height });
      expect(await widerThanWindow(page), `${width}×${height}`).toBeLessThanOrEqual(0);
      expect(await page.getAttribute(sel(UI.guide), 'data-step')).toBe('train');
      expect(await page.textContent(sel(UI.guideHint))).toBe(`Next: train a model on '${longName}' — pick a preset in 2 · Train`);
      expect(await page.getAttribute(sel(UI.guideHint), 'title')).toBe(await page.textContent(sel(UI.guideHint)));
    }
    expect(await guideStates(page)).toEqual(['data:done:', 'train:current:step', 'evaluate:todo:', 'explain:todo:']);

    await page.click(`${sel(UI.guideStep)}[data-step="train"]`);
    expect(await page.evaluate(() => location.hash)).toBe('#train');
    const top = await page.evaluate(() => document.getElementById('train')!.getBoundingClientRect().top);
    expect(top).toBeGreaterThanOrEqual(0);
    expect(top).toBeLessThan(844 / 2);
  });
});
