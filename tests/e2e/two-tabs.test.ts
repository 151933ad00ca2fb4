/**
 * Two tabs of the studio on one database: an import in one shows in the other without a reload, and a
 * dataset deleted in one while the other trains on it stops that run with a clear message, not an
 * uncaught error.
 */
import { describe, expect, it } from 'vitest';
import { UI, sel } from '../../src/cli/ui';
import { errorBanners, importDemo, setTraining, startTraining, studioFixture, trainingEnd, waitForBackend } from '../support/studio-fixture';

describe('two tabs', () => {
  const studio = studioFixture();

  it('import shows in the other tab; delete there stops the run here with one clear message', async () => {
    const a = studio.page;
    const b = await studio.session.context.newPage();
    const uncaught: string[] = [];
    for (const page of [a, b]) page.on('pageerror', (e) => uncaught.push(e.message));
    await b.goto(studio.served.url);
    await waitForBackend(a);
    await waitForBackend(b);

    await importDemo(a, 16, 32);
    await b.waitForSelector(`${sel(UI.datasetRow)}[data-status="ready"]`, { timeout: 60_000 }); // no reload in b

    await setTraining(a, { epochs: 30, batch: 4, width: 0.125 });
    await startTraining(a);
    await b.click(`${sel(UI.datasetRow)} ${sel(UI.delete)}`);
    await b.waitForSelector(sel(UI.datasetRow), { state: 'detached' });

    expect(await trainingEnd(a, 300_000)).toBe('failed');
    const banners = await errorBanners(a);
    console.log(`tab a: ${JSON.stringify(banners)}`);
    expect(banners).toHaveLength(1);
    expect(banners[0].code).toBe('dataset-deleted');
    expect(banners[0].text).toContain('was deleted (in another tab or window?)');
    await a.waitForSelector(sel(UI.datasetRow), { state: 'detached', timeout: 10_000 }); // a's list follows b's delete
    expect(uncaught).toEqual([]);
    expect(studio.session.consoleErrors).toEqual([]);
  });
});
