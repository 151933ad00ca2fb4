/**
 * The studio's IndexedDB layer in the context Playwright opens, which is ephemeral like a private
 * window: Chromium refuses any single value over 133,169,152 bytes there. Checkpoints are chunked,
 * so 300 MB round-trips; real quota and oversized-value failures come back as their own messages,
 * and the checkpoint stored before a failure is still whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openModelLab, type Lab } from './pages/harness';
import type { StorageLab } from './pages/storage-lab';
import { MAX_CHUNK_BYTES } from '../../src/lib/storage/chunks';

const MB = 1_000_000;

/** Call `window.lab[name](...args)` of the storage lab open in `page`. */
function labCall<K extends keyof StorageLab>(page: Page, name: K, ...args: unknown[]) {
  return page.evaluate(([n, a]) => (window as unknown as { lab: Record<string, (...x: unknown[]) => unknown> }).lab[n as string](...(a as unknown[])), [name, args] as const) as Promise<
    Awaited<ReturnType<StorageLab[K] extends (...a: never[]) => unknown ? StorageLab[K] : never>>
  >;
}

describe('checkpoint storage in an ephemeral profile', () => {
  let lab: Lab;
  let page: Page;
  const call = <K extends keyof StorageLab>(name: K, ...args: unknown[]) => labCall(page, name, ...args);

  beforeAll(async () => {
    lab = await openModelLab('storage-lab');
    page = lab.session.page;
  });
  afterAll(async () => {
    await lab?.close();
  });

  it('refuses one value over 133 MB with the specific message (what broke full-width checkpoints)', async () => {
    const r = await call('putOneValue', 140 * MB);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    console.log(`one 140 MB value: [${r.error.code}] ${r.error.message}`);
    expect(r.error.code).toBe('storage-value-too-large');
    expect(r.error.message).toContain('at most 133 MB');
  });

  it('stores and reads back a 300 MB checkpoint, whole and verified', async () => {
    const saved = await call('save', 'run-big', 1, 100 * MB, 200 * MB);
    expect(saved.ok).toBe(true);
    const back = await call('loadNewest', 'run-big');
    expect(back.ok && back.checkpoint).toEqual({ epoch: 1, optimizerStep: 10, bytes: 300 * MB, ...(saved.ok ? saved.hashes : {}) });
    expect(await call('chunkCount', 'checkpoint|run-big|')).toBe(Math.ceil((100 * MB) / MAX_CHUNK_BYTES) + Math.ceil((200 * MB) / MAX_CHUNK_BYTES));
    // the next checkpoint (better loss) replaces it, chunks included
    const next = await call('save', 'run-big', 2, 1 * MB, 2 * MB);
    expect(next.ok).toBe(true);
    expect(await call('chunkCount', 'checkpoint|run-big|')).toBe(2);
    expect((await call('loadNewest', 'run-big')).ok).toBe(true);
  });

  it('imported weights over the limit round-trip too', async () => {
    const r = await call('weightsRoundTrip', 'big.pth', 150 * MB);
    expect(r.read).toBe(r.written);
  });

  it('a full quota gives the quota message and keeps the checkpoint stored before', async () => {
    // Chromium applies a quota override to an origin that has stored nothing yet: a new context, overridden before it loads
    const url = page.url();
    const context = await lab.session.browser.newContext();
    const fresh = await context.newPage();
    try {
      const cdp = await context.newCDPSession(fresh);
      await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(url).origin, quotaSize: 20 * MB });
      await fresh.goto(url);
      await fresh.waitForFunction(() => 'lab' in window, undefined, { timeout: 120_000 });
      const first = await labCall(fresh, 'save', 'run-quota', 1, 2 * MB, 4 * MB);
      expect(first.ok).toBe(true);
      const second = await labCall(fresh, 'save', 'run-quota', 2, 30 * MB, 60 * MB);
      expect(second.ok).toBe(false);
      if (second.ok || !first.ok) return;
      console.log(`checkpoint over quota: [${second.error.code}] ${second.error.message}`);
      expect(second.error.code).toBe('quota-exceeded');
      expect(second.error.message).toMatch(/quota is used up.*Everything stored before is kept/);
      const back = await labCall(fresh, 'loadNewest', 'run-quota');
      expect(back.ok && back.checkpoint && { epoch: back.checkpoint.epoch, weights: back.checkpoint.weights }).toEqual({ epoch: 1, weights: first.hashes.weights });
    } finally {
      await context.close();
    }
  });
});
