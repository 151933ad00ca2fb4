/**
 * The one place that hooks the WebGPU device tfjs opened: its loss (driver reset, GPU removed, destroy())
 * and the errors no one captured (validation, out of memory). Reports through callbacks; the training
 * worker forwards them to the page (platform/training-service, state/errors).
 */
import { webGpuInternals, type GpuDeviceLike } from './backends';

export interface GpuDeviceProblem {
  kind: 'lost' | 'error';
  /** 'destroyed', 'unknown', or for errors the GPUError class (GPUOutOfMemoryError, GPUValidationError…) */
  reason: string;
  message: string;
}

const watched = new WeakSet<GpuDeviceLike>();

/** Hooks `device` once (later calls for the same device do nothing); returns false when there is none. */
export function watchGpuDevice(report: (p: GpuDeviceProblem) => void, device: GpuDeviceLike | undefined = webGpuInternals()?.device): boolean {
  if (!device) return false;
  if (watched.has(device)) return true;
  watched.add(device);
  void device.lost.then((info) => report({ kind: 'lost', reason: info?.reason || 'unknown', message: info?.message || '' }));
  device.addEventListener('uncapturederror', (event) =>
    report({ kind: 'error', reason: event.error?.constructor?.name || 'GPUError', message: event.error?.message || '' }),
  );
  return true;
}

/** The adapter tfjs opened its device on, as the device reports it (Chrome 132+) or as tfjs kept it. */
export function openedAdapterInfo(): { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean } | null {
  const gpu = webGpuInternals();
  if (!gpu) return null;
  return gpu.device.adapterInfo ?? gpu.adapterInfo ?? {};
}
