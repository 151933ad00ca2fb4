/**
 * Weights in and out through the UI: a trained model exports as model.safetensors with
 * torchvision's keys and shapes, loads back into a fresh page, and re-exports byte-identically;
 * torchvision .pth files import (and junk is refused with a specific message).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSafetensors } from '../../src/lib/model/safetensors';
import { downloadBytes, sel, UI } from '../../src/cli/ui';
import { sharedData } from '../support/browser';
import { importDemo, setTraining, studioFixture, trainToEnd, waitForBackend } from '../support/studio-fixture';

describe('model weights round trip', () => {
  const studio = studioFixture();

  it('export → load → export is byte-identical and has torchvision keys', async () => {
    const { page, session: s } = studio;
    await waitForBackend(page, 'webgpu');
    await importDemo(page, 40, 32);
    await setTraining(page, { epochs: 1 });
    expect(await trainToEnd(page, 600_000)).toBe('done');

    const first = Buffer.from((await downloadBytes(page, UI.exportModel, 'to export the trained model')).bytes);
    const sd = readSafetensors(new Uint8Array(first));
    expect(sd.get('conv1.weight')?.shape).toEqual([8, 1, 7, 7]); // width × 0.125
    expect(sd.get('fc.weight')?.shape).toEqual([1, 64]);
    expect(sd.get('bn1.num_batches_tracked')?.dtype).toBe('int64');
    expect([...sd.keys()].filter((k) => k.startsWith('layer4.1.')).length).toBe(12);

    // a fresh page (the worker and its model are gone), same stored dataset
    await page.reload();
    await waitForBackend(page, 'webgpu');
    await page.setInputFiles(sel(UI.modelInput), { name: 'model.safetensors', mimeType: 'application/octet-stream', buffer: first });
    await page.waitForSelector(`${sel(UI.exportModel)}:not([disabled])`, { timeout: 60_000 });
    const second = Buffer.from((await downloadBytes(page, UI.exportModel, 'to export the loaded model')).bytes);
    expect(Buffer.compare(first, second)).toBe(0);

    await page.setInputFiles(sel(UI.weightsInput), { name: 'not-weights.pth', mimeType: 'application/octet-stream', buffer: Buffer.from('hello') });
    await page.waitForSelector(sel(UI.error), { timeout: 30_000 });
    console.log(await page.textContent(sel(UI.error)));
    expect(await page.getAttribute(sel(UI.error), 'data-code')).toBe('bad-weights');
    expect(s.consoleErrors.filter((e) => !e.includes('bad-weights'))).toEqual([]);
  });

  const pth = path.join(sharedData, 'resnet18-oracle/resnet18-imagenet-layout.pth');
  it.skipIf(!existsSync(pth))('imports a torchvision ImageNet .pth and offers it as initial weights (needs ../shared/data)', async () => {
    const { page } = studio;
    await page.setInputFiles(sel(UI.weightsInput), pth);
    await page.waitForFunction((select) => document.querySelector<HTMLSelectElement>(select)?.value === 'resnet18-imagenet-layout.pth', sel(UI.weightsSelect), { timeout: 60_000 });
  });
});
