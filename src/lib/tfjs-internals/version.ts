import * as tf from '@tensorflow/tfjs';

/** The tfjs release whose internals this folder and the studio's WebGPU kernels were written against. */
export const PINNED_TFJS_VERSION = '4.22.0';

/** What is wrong with these tfjs package versions (name → version), or null when all are the pinned one. */
export function tfjsVersionProblem(versions: Record<string, string>): string | null {
  const off = Object.entries(versions).filter(([, v]) => v !== PINNED_TFJS_VERSION);
  if (off.length === 0) return null;
  return `tfjs ${off.map(([name, v]) => `${name} ${v}`).join(', ')} is not the pinned ${PINNED_TFJS_VERSION}: the studio's own GPU kernels are off (tfjs's stock ones run), and its GPU memory management works only where tfjs's internals did not change.`;
}

/** The versions of the tfjs packages bundled with tfjs (core, backends, layers…). */
export function bundledTfjsVersions(): Record<string, string> {
  return { ...(tf.version as Record<string, string>) };
}

export function tfjsVersionMatches(): boolean {
  return tfjsVersionProblem(bundledTfjsVersions()) === null;
}
