/**
 * The studio in an ephemeral profile (what every Playwright context is, like a private window):
 * the page says so and what it means for resume; a full quota stops an import with the quota
 * message in the error banner, and the studio keeps working.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStudio, servePreview, type Served, type Session } from '../support/browser';

describe('storage limits in the page', () => {
  let served: Served;
  let s: Session;

  beforeAll(async () => {
    served = await servePreview();
    s = await openStudio('about:blank');
  });
  afterAll(async () => {
    await s?.close();
    await served?.stop();
  });

  it('says the window is private, and shows the quota message when storage is full', async () => {
    const { page, context } = s;
    // Chromium applies a quota override to an origin that has stored nothing yet: before the studio loads
    const cdp = await context.newCDPSession(page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(served.url).origin, quotaSize: 300_000 });
    await page.goto(served.url);
    await page.waitForSelector('[data-testid="storage-ephemeral"]', { timeout: 120_000 });
    expect(await page.innerText('[data-testid="storage-ephemeral"]')).toMatch(/private \(ephemeral\) browser window.*resumed only while this window stays open/s);

    // 48 demo images at 224 px: ~2.4 MB of pixels against a 300 kB quota
    await page.fill('[data-testid="import-size"]', '224');
    await page.dispatchEvent('[data-testid="import-size"]', 'change');
    await page.fill('[data-testid="demo-count"]', '48');
    await page.click('[data-testid="try-demo"]');
    await page.waitForSelector('[data-testid="error"], [data-testid="dataset-row"][data-status="ready"]', { timeout: 300_000 });
    expect(await page.getAttribute('[data-testid="error"]', 'data-code')).toBe('quota-exceeded');
    expect(await page.innerText('[data-testid="error"]')).toMatch(/storage quota is used up.*Everything stored before is kept/s);
    expect(await page.locator('[data-testid="dataset-row"][data-status="ready"]').count()).toBe(0);
  });
});
