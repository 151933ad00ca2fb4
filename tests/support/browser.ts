/**
 * Test side of the headless studio (src/cli/browser.ts): what it serves and opens, plus the checks
 * tests make on a session.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from '../../src/cli/browser';

export * from '../../src/cli/browser';

/** The shared data sets beside the checkout (tests that need them skip when absent). */
export const sharedData = path.resolve(repoRoot, '../shared/data');

/** Hosts other than the served origin that the session contacted (data:/blob: excluded). */
export function foreignRequests(requests: string[], origin: string): string[] {
  return requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
}

export async function longTasks(page: Page): Promise<number[]> {
  return page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks.slice());
}

/**
 * Image bytes the page's main thread read: the stores that hold pixels and checkpoint chunks, and any file other
 * than a label CSV. Decoding and storage work belong in the workers; unlike a long-task bound, a read here is
 * a cause that machine load cannot produce.
 */
export async function mainThreadImageReads(page: Page): Promise<string[]> {
  const reads = await page.evaluate(() => (window as unknown as { __mainThreadReads: string[] }).__mainThreadReads.slice());
  return reads.filter((r) => /^indexedDB (pixels|blobs)\./.test(r) || (r.startsWith('file ') && !/\.csv \(\d+ B\)$/i.test(r)));
}
