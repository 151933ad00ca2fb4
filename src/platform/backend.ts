/**
 * GPU backend choice for tfjs: WebGPU first, WebGL fallback, CPU last. Runs in the training worker
 * (WebGPU and OffscreenCanvas WebGL both exist in dedicated workers).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { StudioError } from '../lib/errors';
import { gpuLimits, openedAdapterInfo, webGlInternals } from '../lib/tfjs-internals';

export type BackendName = 'webgpu' | 'webgl' | 'cpu';

export interface BackendInfo {
  name: BackendName;
  /** human description of the adapter, e.g. "Google SwiftShader" or "nvidia ampere" */
  adapter: string;
  /** a CPU emulation (SwiftShader, fallback adapter, or the CPU backend): small defaults and a warning */
  software: boolean;
  maxBufferBytes?: number;
  /** WebGPU only: the studio's own kernels or tfjs's stock ones (src/platform/studio-kernels) */
  kernels?: 'studio' | 'stock';
  /** set when the bundled tfjs is not the pinned version: what is off because of it */
  tfjsProblem?: string;
}

/** The adapter tfjs opened its device on (no second requestAdapter: that one may differ). */
function describeWebGpuAdapter(): Omit<BackendInfo, 'name'> {
  const info = openedAdapterInfo() ?? {};
  const adapterText =
    [info.vendor, info.architecture, info.device, info.description].filter((s) => s && s.length > 0).join(' ') ||
    'unknown WebGPU adapter';
  const software = Boolean(info.isFallbackAdapter) || /swiftshader|llvmpipe|software|cpu/i.test(adapterText);
  return { adapter: adapterText, software, maxBufferBytes: gpuLimits()?.maxBindingBytes };
}

function describeWebGl(): Omit<BackendInfo, 'name'> {
  const gl = webGlInternals()?.gl;
  let renderer = 'WebGL';
  if (gl) {
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    renderer = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  }
  return { adapter: renderer, software: /swiftshader|llvmpipe|software/i.test(renderer) };
}

/** Try the backends in order; the first that initialises wins. */
export async function initBackend(order: BackendName[]): Promise<BackendInfo> {
  const tried: string[] = [];
  for (const name of order) {
    try {
      if (!(await tf.setBackend(name))) {
        tried.push(`${name}: not available`);
        continue;
      }
      await tf.ready();
      if (name === 'webgpu') return { name, ...describeWebGpuAdapter() };
      if (name === 'webgl') return { name, ...describeWebGl() };
      return { name, adapter: 'CPU (JavaScript)', software: true };
    } catch (e) {
      tried.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  throw new StudioError('no-gpu', `No usable tfjs backend (${tried.join('; ')}).`);
}
