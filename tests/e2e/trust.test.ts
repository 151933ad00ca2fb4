/**
 * Results a clinician can trust, after a small demo run: every figure with its bootstrap interval, the ROC band,
 * the reliability diagram, temperature scaling that changes the ECE, a threshold set by a specificity target,
 * the explanation sanity checks' verdicts, and the model card with its sections.
 */
import { strFromU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { downloadBytes, fill, sel, UI } from '../../src/cli/ui';
import { chromiumArgsFor } from '../../src/cli/session';
import { errorTexts, importDemo, setTraining, studioFixture, trainToEnd, waitForBackend } from '../support/studio-fixture';

const metrics = 'section[aria-label="Metrics"]';

describe('trust', () => {
  // WebGL: on a software adapter the explanation checks' many forward passes run several times faster than on WebGPU
  const studio = studioFixture({ args: chromiumArgsFor('webgl') });

  it('intervals, ROC band, reliability, temperature, specificity target, explanation checks, model card', async () => {
    const { page } = studio;
    await waitForBackend(page);
    await fill(page, UI.importSize, 64, 'for a small stored size');
    await importDemo(page, 40);
    await setTraining(page, { epochs: 2, batch: 8, width: 0.125 });
    expect(await trainToEnd(page, 600_000)).toBe('done');
    await page.waitForSelector(`${sel(UI.metrics)}[data-intervals="ready"]`, { timeout: 300_000 });

    // every figure of the table has its interval beside it, and the figure lies inside it
    const figures = await page.locator(`${sel(UI.metrics)} ${sel(UI.metricInterval)}`).evaluateAll((cells) =>
      cells.map((c) => ({ metric: c.getAttribute('data-metric'), text: c.textContent, low: c.getAttribute('data-low'), high: c.getAttribute('data-high'), value: c.previousElementSibling?.textContent })),
    );
    console.log(figures.map((f) => `${f.metric} ${f.value} ${f.text}`).join('; '));
    expect(figures.map((f) => f.metric)).toEqual(['accuracy', 'auc', 'sensitivity', 'specificity', 'precision', 'f1', 'ap']);
    for (const f of figures) {
      expect(f.text, f.metric!).toMatch(/^\(\d\.\d{3}–\d\.\d{3}\)$/);
      expect(Number(f.low)).toBeLessThanOrEqual(Number(f.high));
    }
    expect(Number(await page.textContent(sel(UI.metricAuc)))).toBeGreaterThanOrEqual(0);

    // the ROC curve's band and the reliability diagram are drawn
    const roc = `${metrics} ${sel(UI.chart)}[data-chart="roc"]`;
    await page.waitForSelector(`${roc}:not([data-band="0"])`);
    const reliability = `${sel(UI.reliability)} ${sel(UI.chart)}`;
    await page.waitForSelector(`${reliability}[data-x-ticks]:not([data-x-ticks=""])`);
    expect(Number(await page.getAttribute(sel(UI.reliability), 'data-bins'))).toBeGreaterThan(0);

    // temperature scaling on the validation split changes the ECE
    const before = Number(await page.textContent(sel(UI.eceBefore)));
    await page.click(sel(UI.calibrate));
    await page.waitForSelector(sel(UI.eceAfter));
    const after = Number(await page.textContent(sel(UI.eceAfter)));
    const temperature = Number(await page.getAttribute(sel(UI.calibration), 'data-temperature'));
    console.log(`temperature ${temperature.toFixed(3)}: ECE ${before} → ${after}`);
    expect(temperature).not.toBe(1);
    expect(after).not.toBe(before);
    await page.waitForSelector(`${sel(UI.metrics)}[data-intervals="ready"]`, { timeout: 120_000 });

    // a specificity target moves the threshold to one that keeps it
    await fill(page, UI.targetSpecificity, 0.9, 'for the specificity target');
    await page.click(sel(UI.presetSpecificity));
    await page.waitForFunction((s) => Number(document.querySelector(s)?.textContent) >= 0.9, sel(UI.metricSpecificity));
    console.log(`specificity ≥ 0.9: threshold ${await page.textContent('[data-testid="threshold-value"]')}, specificity ${await page.textContent(sel(UI.metricSpecificity))}`);

    // explanation sanity checks: one block per method of the chosen layer, each with its verdicts
    await page.click(sel(UI.runExplanationChecks));
    await page.waitForSelector(`${sel(UI.explanationChecks)}[data-state="done"]`, { timeout: 300_000 });
    const checks = await page.locator(sel(UI.explanationCheck)).evaluateAll((els) =>
      els.map((e) => ({ method: e.getAttribute('data-method'), verdicts: [...e.querySelectorAll('[data-testid="explanation-verdicts"] li')].map((li) => li.textContent) })),
    );
    for (const c of checks) console.log(`${c.method}: ${c.verdicts.join(' | ')}`);
    expect(checks.length).toBeGreaterThanOrEqual(2);
    for (const c of checks) expect(c.verdicts).toHaveLength(3);

    // the model card: every section, the edited limitations, the intervals and the checks
    await page.locator('[data-testid="model-card-panel"] summary').click();
    await page.fill(sel(UI.cardLimitations), 'Synthetic demo images only.');
    const { name, bytes } = await downloadBytes(page, UI.exportModelCard, 'to save the model card');
    const md = strFromU8(bytes);
    expect(name).toBe('model-card.md');
    for (const heading of ['## Model details', '## Intended use', '## Data', '## Training', '## Metrics', '## Calibration', '## Explanation checks', '## Limitations']) expect(md).toContain(heading);
    expect(md).toContain('Synthetic demo images only.');
    expect(md).toMatch(/\| ROC AUC \| \d\.\d{3} \(\d\.\d{3}–\d\.\d{3}\)/);
    expect(md).not.toContain('_(not run)_');
    console.log(md.split('\n').slice(0, 40).join('\n'));
    expect(await errorTexts(page)).toEqual([]);
  }, 1_200_000);
});
