/**
 * The studio as an offline app: the first visit installs the service worker, which precaches the whole build
 * (page, workers, wasm codecs); with the preview server stopped and the browser offline, a reload starts the
 * studio and the demo imports, every app request answered from the cache.
 */
import { describe, expect, it } from 'vitest';
import { UI, sel } from '../../src/cli/ui';
import { errorTexts, importDemo, studioFixture, waitForBackend } from '../support/studio-fixture';

describe('offline', () => {
  const studio = studioFixture();

  it('installs with a manifest, then starts and imports the demo with the network off', async () => {
    const { page, served } = studio;
    const { context } = studio.session;
    const origin = new URL(served.url).origin;
    await waitForBackend(page);

    const manifestUrl = new URL((await page.getAttribute('link[rel="manifest"]', 'href')) ?? '', served.url).href;
    const manifest = (await (await page.request.get(manifestUrl)).json()) as { short_name: string; icons: Array<{ src: string; sizes: string }> };
    expect(manifest.short_name).toBe('cxr-studio');
    expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));

    // installed: the precache is complete and the worker controls this page (clientsClaim), and the next load too
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await page.waitForSelector(`${sel(UI.offline)}[data-status="ready"]`, { timeout: 120_000 });
    await page.reload();
    await waitForBackend(page);
    expect(await page.evaluate(() => navigator.serviceWorker.controller?.state)).toBe('activated');
    await page.waitForSelector(`${sel(UI.offline)}[data-status="ready"]`, { timeout: 60_000 });
    const cached = await page.evaluate(async () => {
      const paths: string[] = [];
      for (const name of await caches.keys()) for (const r of await (await caches.open(name)).keys()) paths.push(new URL(r.url).pathname);
      return paths;
    });
    for (const wanted of [/^\/index\.html$/, /^\/assets\/index-.*\.js$/, /^\/assets\/train\.worker-.*\.js$/, /^\/assets\/import\.worker-.*\.js$/, /\.wasm$/, /^\/manifest\.webmanifest$/]) {
      expect(cached.some((p) => wanted.test(p)), `${wanted} is precached`).toBe(true);
    }
    console.log(`precached: ${cached.length} files`);

    // no server, no network
    await served.stop();
    await context.setOffline(true);
    const failed: string[] = [];
    const fromNetwork: string[] = [];
    const fromCache: string[] = [];
    context.on('requestfailed', (r) => failed.push(`${r.url()} (${r.failure()?.errorText})`));
    context.on('response', (r) => {
      if (r.url().startsWith(origin)) (r.fromServiceWorker() ? fromCache : fromNetwork).push(new URL(r.url()).pathname);
    });
    await page.reload();
    expect(await waitForBackend(page)).not.toBe('');
    await importDemo(page, 20, 32);
    expect(await page.locator(`${sel(UI.datasetRow)}[data-status="ready"]`).getAttribute('data-images')).toBe('20');
    expect(failed).toEqual([]);
    expect(fromNetwork).toEqual([]);
    // the listeners saw the page, its script and both workers come from the cache
    for (const wanted of [/^\/$/, /^\/assets\/index-.*\.js$/, /^\/assets\/train\.worker-.*\.js$/, /^\/assets\/import\.worker-.*\.js$/]) {
      expect(fromCache.some((p) => wanted.test(p)), `${wanted} came from the service worker`).toBe(true);
    }
    expect(await errorTexts(page)).toEqual([]);
    // registration, the worker and the manifest stay within the page's CSP
    expect(studio.session.consoleErrors.filter((e) => /Content Security Policy|service ?worker|manifest/i.test(e))).toEqual([]);
  });
});
