/**
 * The studio reaches into tfjs's internals (src/lib/tfjs-internals) and runs its own WebGPU kernels through
 * tfjs-webgpu's program interface: an upgrade of tfjs must fail here, where someone re-checks them, not in a
 * user's browser.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { bundledTfjsVersions, tapeRecorder, PINNED_TFJS_VERSION, tfjsVersionMatches, tfjsVersionProblem } from '../../../src/lib/tfjs-internals';

const require = createRequire(import.meta.url);
const versionOf = (pkg: string) => (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;

describe('pinned tfjs', () => {
  it('every bundled tfjs package and tfjs-backend-webgpu are the pinned version', () => {
    const versions = { ...bundledTfjsVersions(), 'tfjs-backend-webgpu': versionOf('@tensorflow/tfjs-backend-webgpu') };
    expect(Object.keys(versions)).toEqual(expect.arrayContaining(['tfjs-core', 'tfjs-backend-webgl', 'tfjs-backend-webgpu']));
    expect(tfjsVersionProblem(versions)).toBeNull();
    expect(tfjsVersionMatches()).toBe(true);
  });

  it('another version is named in the problem, and the studio falls back to stock kernels', () => {
    const problem = tfjsVersionProblem({ 'tfjs-core': PINNED_TFJS_VERSION, 'tfjs-backend-webgpu': '4.23.0' });
    expect(problem).toContain('tfjs-backend-webgpu 4.23.0');
    expect(problem).not.toContain('tfjs-core');
    expect(problem).toContain(`pinned ${PINNED_TFJS_VERSION}`);
  });

  it('the private members lib/tfjs-internals reads are there', async () => {
    expect(tapeRecorder()).not.toBeNull();
    const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
    const proto = WebGPUBackend.prototype as unknown as Record<string, unknown>;
    for (const member of ['submitQueue', 'endComputePassEncoder', 'runWebGPUProgram', 'disposeData']) expect(typeof proto[member], member).toBe('function');
    const source = readFileSync(require.resolve('@tensorflow/tfjs-backend-webgpu/dist/backend_webgpu.js'), 'utf8');
    for (const field of ['this.bufferManager', 'this.commandEncoder', 'this.device', 'this.adapterInfo']) expect(source, field).toContain(field);
    const bufferManager = readFileSync(require.resolve('@tensorflow/tfjs-backend-webgpu/dist/buffer_manager.js'), 'utf8');
    for (const field of ['numBytesUsed', 'numBytesAllocated', 'numFreeBuffers', 'freeBuffers']) expect(bufferManager, field).toContain(`this.${field}`);
  });
});
