/**
 * Weights in and out through the UI: a trained model exports as model.safetensors with
 * torchvision's keys and shapes, loads back into a fresh page, and re-exports byte-identically;
 * torchvision .pth files import (and junk is refused with a specific message).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { readSafetensors } from '../../src/lib/model/safetensors';
import { openStudio, servePreview, sharedData, type Served, type Session } from '../support/browser';

async function download(page: Page, testId: string): Promise<Buffer> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid="${testId}"]`)]);
  return readFileSync(await dl.path());
}

describe('model weights round trip', () => {
  let served: Served;
  let s: Session;

  beforeAll(async () => {
    served = await servePreview();
    s = await openStudio(served.url);
  });
  afterAll(async () => {
    await s?.close();
    await served?.stop();
  });

  it('export → load → export is byte-identical and has torchvision keys', async () => {
    const { page } = s;
    await page.waitForSelector('[data-testid="backend"][data-backend="webgpu"]', { timeout: 120_000 });
    await page.fill('[data-testid="demo-count"]', '40');
    await page.click('[data-testid="try-demo"]');
    await page.waitForSelector('[data-testid="dataset-row"][data-status="ready"]', { timeout: 300_000 });
    await page.fill('[data-testid="cfg-epochs"]', '1');
    await page.click('[data-testid="train"]');
    await page.waitForSelector('[data-testid="train-status"][data-status="done"]', { timeout: 600_000 });

    const first = await download(page, 'export-model');
    const sd = readSafetensors(new Uint8Array(first));
    expect(sd.get('conv1.weight')?.shape).toEqual([8, 1, 7, 7]); // width × 0.125
    expect(sd.get('fc.weight')?.shape).toEqual([1, 64]);
    expect(sd.get('bn1.num_batches_tracked')?.dtype).toBe('int64');
    expect([...sd.keys()].filter((k) => k.startsWith('layer4.1.')).length).toBe(12);

    // a fresh page (the worker and its model are gone), same stored dataset
    await page.reload();
    await page.waitForSelector('[data-testid="backend"][data-backend="webgpu"]', { timeout: 120_000 });
    await page.setInputFiles('[data-testid="model-input"]', { name: 'model.safetensors', mimeType: 'application/octet-stream', buffer: first });
    await page.waitForSelector('[data-testid="export-model"]:not([disabled])', { timeout: 60_000 });
    const second = await download(page, 'export-model');
    expect(Buffer.compare(first, second)).toBe(0);

    await page.setInputFiles('[data-testid="weights-input"]', { name: 'not-weights.pth', mimeType: 'application/octet-stream', buffer: Buffer.from('hello') });
    await page.waitForSelector('[data-testid="error"]', { timeout: 30_000 });
    console.log(await page.textContent('[data-testid="error"]'));
    expect(await page.getAttribute('[data-testid="error"]', 'data-code')).toBe('bad-weights');
    expect(s.consoleErrors.filter((e) => !e.includes('bad-weights'))).toEqual([]);
  });

  const pth = path.join(sharedData, 'resnet18-oracle/resnet18-imagenet-layout.pth');
  it.skipIf(!existsSync(pth))('imports a torchvision ImageNet .pth and offers it as initial weights (needs ../shared/data)', async () => {
    const { page } = s;
    await page.setInputFiles('[data-testid="weights-input"]', pth);
    await page.waitForFunction(() => document.querySelector<HTMLSelectElement>('[data-testid="weights-select"]')?.value === 'resnet18-imagenet-layout.pth', null, { timeout: 60_000 });
  });
});
