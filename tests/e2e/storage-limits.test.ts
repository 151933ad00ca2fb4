/**
 * The studio in an ephemeral profile (what every Playwright context is, like a private window):
 * the page says so and what it means for resume; a full quota stops an import with the quota
 * message in the error banner, and the studio keeps working.
 */
import { describe, expect, it } from 'vitest';
import { fill, sel, UI } from '../../src/cli/ui';
import { studioFixture } from '../support/studio-fixture';

describe('storage limits in the page', () => {
  const studio = studioFixture({ startBlank: true });

  it('says the window is private, and shows the quota message when storage is full', async () => {
    const { page, served } = studio;
    const { context } = studio.session;
    // Chromium applies a quota override to an origin that has stored nothing yet: before the studio loads
    const cdp = await context.newCDPSession(page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(served.url).origin, quotaSize: 300_000 });
    await page.goto(served.url);
    await page.waitForSelector(sel(UI.storageEphemeral), { timeout: 120_000 });
    expect(await page.innerText(sel(UI.storageEphemeral))).toMatch(/private \(ephemeral\) browser window.*resumed only while this window stays open/s);

    // 48 demo images at 224 px: ~2.4 MB of pixels against a 300 kB quota
    await fill(page, UI.importSize, 224, 'for the stored size');
    await fill(page, UI.demoCount, 48, 'for the demo');
    await page.click(sel(UI.tryDemo));
    await page.waitForSelector(`${sel(UI.error)}, ${sel(UI.datasetRow)}[data-status="ready"]`, { timeout: 300_000 });
    expect(await page.getAttribute(sel(UI.error), 'data-code')).toBe('quota-exceeded');
    expect(await page.innerText(sel(UI.error))).toMatch(/storage quota is used up.*Everything stored before is kept/s);
    expect(await page.locator(`${sel(UI.datasetRow)}[data-status="ready"]`).count()).toBe(0);
  });
});
