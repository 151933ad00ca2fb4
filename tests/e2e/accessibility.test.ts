/**
 * axe-core on every state of the main flow (landing, imported, training, evaluated, image viewer open,
 * run report open): no violations. Dialogs take focus, close on Escape and give focus back.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { UI, sel } from '../../src/cli/ui';
import { importDemo, setTraining, startTraining, studioFixture, trainingEnd, waitForBackend } from '../support/studio-fixture';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe's violations as one line each: rule, impact, the first few elements. */
async function violations(page: Page): Promise<string[]> {
  // evaluated through the debugging protocol: the studio's CSP (script-src 'self') refuses an injected <script>
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations;
  });
  return found.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

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
    found.landing = await violations(page);

    await importDemo(page, 24, 32);
    await page.click(sel(UI.browse));
    await page.waitForSelector(sel(UI.thumbnail));
    found.imported = await violations(page);

    const thumbnail = page.locator(sel(UI.thumbnail)).first();
    await thumbnail.focus();
    await thumbnail.press('Enter');
    await page.waitForSelector(sel(UI.imageViewer));
    found.viewer = await violations(page);
    await escapeDialog(page, UI.imageViewer, UI.thumbnail);

    await setTraining(page, { epochs: 2, batch: 8, width: 0.125 });
    await startTraining(page);
    found.training = await violations(page);
    expect(await trainingEnd(page, 600_000)).toBe('done');
    await page.waitForSelector(sel(UI.metrics), { timeout: 300_000 });
    found.evaluated = await violations(page);

    await page.click(sel(UI.openReport));
    await page.waitForSelector(sel(UI.report));
    found.report = await violations(page);
    await escapeDialog(page, UI.report, UI.openReport);

    for (const [state, list] of Object.entries(found)) console.log(`${state}: ${list.length} violation(s)${list.map((v) => `\n  ${v}`).join('')}`);
    expect(found).toEqual({ landing: [], imported: [], viewer: [], training: [], evaluated: [], report: [] });
  });
});
