/**
 * The studio's WebGPU kernels use tfjs-webgpu's program interface (src/platform/studio-kernels): an
 * upgrade of tfjs must fail here, where someone re-checks the kernels, not in a user's browser.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { PINNED_TFJS_VERSION, tfjsVersionMatches } from '../../../src/platform/studio-kernels';

const require = createRequire(import.meta.url);
const versionOf = (pkg: string) => (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;

describe('pinned tfjs', () => {
  it('tfjs-core and tfjs-backend-webgpu are the version the studio kernels were written against', () => {
    expect(tf.version_core).toBe(PINNED_TFJS_VERSION);
    expect(versionOf('@tensorflow/tfjs-backend-webgpu')).toBe(PINNED_TFJS_VERSION);
    expect(tfjsVersionMatches()).toBe(true);
  });
  it('the backend internals submitNow calls (sum-splits.ts) are there', async () => {
    const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
    expect(typeof WebGPUBackend.prototype.submitQueue).toBe('function');
    expect(typeof (WebGPUBackend.prototype as unknown as Record<string, unknown>).endComputePassEncoder).toBe('function');
  });
});
