/**
 * Procedural chest-like radiographs for the demo dataset. Image `index` under `seed` is always the
 * same, whatever else is generated, so workers can render disjoint index ranges in parallel.
 */
import { StudioError } from '../errors';
import { childSeed, gaussian, mulberry32, type Rng } from '../random';
import { sampleAnatomy, sampleAnatomyAt, type AnatomySample } from './anatomy';
import { sampleOpacities, sampleOpacitiesAt, type OpacitySample } from './lesions';
import { uniform } from './noise';

export interface DemoImage {
  /** e.g. demo-00042 */
  id: string;
  patientId: string;
  label: 0 | 1;
  size: number;
  /** size × size grey levels, row-major. */
  pixels: Uint8Array;
  /** size × size, 1 inside an opacity (always inside a lung field), else 0. */
  lesionMask: Uint8Array;
}

export interface DemoOptions {
  seed: number;
  size: number;
  positiveFraction: number;
}

export const DEMO_DEFAULTS: { count: number; size: number; seed: number; positiveFraction: number } = {
  count: 300,
  size: 224,
  seed: 20_240_101,
  positiveFraction: 0.5,
};

/**
 * Positive iff the running count floor((index + 1) · f) steps up at this index, so every prefix
 * 0..n−1 holds floor(n · f) positives (exact balance without a shared random stream).
 */
export function demoLabel(index: number, positiveFraction: number): 0 | 1 {
  return Math.floor((index + 1) * positiveFraction) > Math.floor(index * positiveFraction) ? 1 : 0;
}

export function demoId(index: number): string {
  return `demo-${String(index).padStart(5, '0')}`;
}

/** One synthetic patient per image: the key the demo's patient-level split groups by. */
export function demoPatientId(index: number): string {
  return `demo-patient-${String(index).padStart(5, '0')}`;
}

export interface DemoScene extends DemoImage {
  /** size × size, 1 inside either lung contour (for tests and overlays). */
  lungMask: Uint8Array;
}

const GAMMA_STEPS = 4096;

/** v ↦ v^gamma sampled on [0, 1] (finer than the 8-bit output, so the table adds no visible banding). */
function gammaLookup(gamma: number): Float32Array {
  const table = new Float32Array(GAMMA_STEPS + 1);
  for (let i = 0; i <= GAMMA_STEPS; i++) table[i] = Math.pow(i / GAMMA_STEPS, gamma);
  return table;
}

const NORMAL_TABLE_SIZE = 4096;

/** Per-image pool of standard normal samples; pixel noise draws from it with one uniform (cheap). */
function normalTable(rng: Rng): Float32Array {
  const table = new Float32Array(NORMAL_TABLE_SIZE);
  for (let i = 0; i < NORMAL_TABLE_SIZE; i++) table[i] = gaussian(rng);
  return table;
}

/** Salt so the anatomy stream never coincides with another user of childSeed(seed, index). */
const DEMO_STREAM = 0x0de30c5a;

export function generateDemoScene(index: number, options: DemoOptions): DemoScene {
  const { seed, size, positiveFraction } = options;
  if (!Number.isInteger(index) || index < 0) throw new StudioError('bad-config', `Demo image index must be a non-negative integer, got ${index}.`);
  if (!Number.isInteger(size) || size < 8 || size > 4096) throw new StudioError('bad-config', `Demo image size must be an integer in 8..4096, got ${size}.`);
  if (!(positiveFraction >= 0 && positiveFraction <= 1)) throw new StudioError('bad-config', `Positive fraction must lie in [0, 1], got ${positiveFraction}.`);

  const rng = mulberry32(childSeed(seed ^ DEMO_STREAM, index));
  const label = demoLabel(index, positiveFraction);
  const anatomy = sampleAnatomy(rng);
  const opacities = label === 1 ? sampleOpacities(rng, anatomy) : [];

  // Patient pose: small rotation, shift and scale of the whole chest.
  const angle = uniform(rng, -0.07, 0.07);
  const shiftX = uniform(rng, -0.03, 0.03);
  const shiftY = uniform(rng, -0.03, 0.03);
  const scale = uniform(rng, 0.93, 1.05);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);

  // Exposure: window offset, contrast and gamma vary strongly so the global mean carries little label
  // information; a smooth exposure gradient (anode heel) across the film; quantum noise.
  const offset = uniform(rng, -0.14, 0.14);
  const contrast = uniform(rng, 0.75, 1.25);
  const gamma = uniform(rng, 0.75, 1.3);
  const heelX = uniform(rng, -0.08, 0.08);
  const heelY = uniform(rng, -0.08, 0.08);
  const noiseSigma = uniform(rng, 0.012, 0.03);
  const gammaTable = gammaLookup(gamma);
  const normals = normalTable(rng);
  // Pixel noise indexes the table with an inline xorshift32 kept in a local (unboxed, no GC churn).
  let noiseState = Math.floor(rng() * 0xffffffff) | 1;

  const pixels = new Uint8Array(size * size);
  const lesionMask = new Uint8Array(size * size);
  const lungMask = new Uint8Array(size * size);
  const here: AnatomySample = { value: 0, lungVisibility: 0, inLung: false };
  const lesion: OpacitySample = { brightness: 0, inCore: false };
  for (let row = 0; row < size; row++) {
    const v = (row + 0.5) / size - 0.5;
    for (let col = 0; col < size; col++) {
      const u = (col + 0.5) / size - 0.5;
      // Image → canonical anatomy coordinates (inverse pose).
      const x = 0.5 + (cos * (u - shiftX) + sin * (v - shiftY)) / scale;
      const y = 0.5 + (-sin * (u - shiftX) + cos * (v - shiftY)) / scale;
      sampleAnatomyAt(anatomy, x, y, here);
      let value = here.value;
      const i = row * size + col;
      if (here.inLung) lungMask[i] = 1;
      if (opacities.length) {
        sampleOpacitiesAt(opacities, x, y, lesion);
        value += lesion.brightness * here.lungVisibility;
        if (lesion.inCore && here.inLung) lesionMask[i] = 1;
      }
      value = (value - 0.45) * contrast + 0.45 + offset + heelX * u + heelY * v;
      noiseState ^= noiseState << 13;
      noiseState ^= noiseState >>> 17;
      noiseState ^= noiseState << 5;
      const normal = normals[(noiseState >>> 20) & (NORMAL_TABLE_SIZE - 1)];
      value = gammaTable[Math.round(Math.min(Math.max(value, 0), 1) * GAMMA_STEPS)] + noiseSigma * normal;
      pixels[i] = Math.round(Math.min(Math.max(value, 0), 1) * 255);
    }
  }
  return { id: demoId(index), patientId: demoPatientId(index), label, size, pixels, lesionMask, lungMask };
}

export function generateDemoImage(index: number, options: DemoOptions): DemoImage {
  const { lungMask: _lungMask, ...image } = generateDemoScene(index, options);
  return image;
}
