/**
 * axe-core on every state of the main flow (landing, imported, training, evaluated, image viewer open,
 * run report open): no violations. Dialogs take focus, close on Escape and give focus back.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { UI, sel } from '../../src/cli/ui';
import { axeViolations } from '../support/axe-violations';
import { importDemo, setTraining, startTraining, studioFixture, trainingEnd, waitForBackend } from '../support/studio-fixture';

/** Whether focus is inside the element with this test id; the focused element's test id. */
const focusedWithin = (page: Page, testId: string) => page.evaluate((s) => !!document.activeElement?.closest(s), sel(testId));
const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));

/** The open dialog `dialog` holds focus, closes on Escape and gives focus back to `opener`. */
async function escapeDialog(page: Page, dialog: string, opener: string): Promise<void> {
  expect(await focusedWithin(page, dialog)).toBe(true);
  await page.keyboard.press('Escape');
  await page.waitForSelector(sel(dialog), { state: 'detached' });
  expect(await focusedId(page)).toBe(opener);
}

describe('accessibility', () => {
  const studio = studioFixture();

  it('no axe violations from landing to report; dialogs take focus, close on Escape and give it back', async () => {
    const { page } = studio;
    const found: Record<string, string[]> = {};
    await waitForBackend(page);
    found.landing = await axeViolations(page);

    await importDemo(page, 24, 32);
    await page.click(sel(UI.browse));
    await page.waitForSelector(sel(UI.thumbnail));
    found.imported = await axeViolations(page);

    const thumbnail = page.locator(sel(UI.thumbnail)).first();
    await thumbnail.focus();
    await thumbnail.press('Enter');
    await page.waitForSelector(sel(UI.imageViewer));
    found.viewer = await axeViolations(page);
    await escapeDialog(page, UI.imageViewer, UI.thumbnail);

    await setTraining(page, { epochs: 2, batch: 8, width: 0.125 });
    await startTraining(page);
    found.training = await axeViolations(page);
    expect(await trainingEnd(page, 600_000)).toBe('done');
    await page.waitForSelector(sel(UI.metrics), { timeout: 300_000 });
    found.evaluated = await axeViolations(page);

    await page.click(sel(UI.openReport));
    await page.waitForSelector(sel(UI.report));
    found.report = await axeViolations(page);
    await escapeDialog(page, UI.report, UI.openReport);

    for (const [state, list] of Object.entries(found)) console.log(`${state}: ${list.length} violation(s)${list.map((v) => `\n  ${v}`).join('')}`);
    expect(found).toEqual({ landing: [], imported: [], viewer: [], training: [], evaluated: [], report: [] });
  });
});
