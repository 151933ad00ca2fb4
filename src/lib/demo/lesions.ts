/** Pneumonia-like opacities: soft, lobulated bright blobs confined to a lung field. */
import type { Rng } from '../random';
import { lungMargin, heartWeight, type Anatomy } from './anatomy';
import { smoothstep, uniform, valueNoise, type ValueNoise } from './noise';

export interface Opacity {
  centreX: number;
  centreY: number;
  radius: number;
  /** Added brightness at the core (image units before exposure). */
  strength: number;
  /** Lobulation: radius modulation harmonics (amplitude, phase) for k = 2..5. */
  harmonics: Array<{ amplitude: number; phase: number }>;
  texture: ValueNoise;
}

/** Fraction of the modulated radius inside which a pixel counts as lesion in the mask. */
export const MASK_RADIUS_FRACTION = 0.8;

export function sampleOpacities(rng: Rng, anatomy: Anatomy): Opacity[] {
  const count = rng() < 0.35 ? 2 : 1;
  const opacities: Opacity[] = [];
  for (let i = 0; i < count; i++) {
    const radius = uniform(rng, 0.08, 0.13);
    const lung = anatomy.lungs[rng() < 0.5 ? 0 : 1];
    // Rejection-sample a centre well inside the lung and clear of the heart shadow.
    let centreX = lung.centreX;
    let centreY = (lung.apexY + lung.baseY) / 2;
    for (let attempt = 0; attempt < 200; attempt++) {
      const x = lung.centreX + uniform(rng, -1, 1) * lung.halfWidth;
      const y = uniform(rng, lung.apexY, lung.baseY);
      if (lungMargin(lung, x, y) > radius * 0.45 && heartWeight(anatomy, x, y) < 0.05) {
        centreX = x;
        centreY = y;
        break;
      }
    }
    opacities.push({
      centreX,
      centreY,
      radius,
      strength: uniform(rng, 0.3, 0.42),
      harmonics: [2, 3, 4, 5].map((k) => ({ amplitude: uniform(rng, 0.04, 0.2) / Math.sqrt(k - 1), phase: uniform(rng, 0, 2 * Math.PI) })),
      texture: valueNoise(rng, 20),
    });
  }
  return opacities;
}

/** Normalised distance to the lobulated border: < 1 inside. */
function relativeDistance(o: Opacity, x: number, y: number): number {
  const dx = x - o.centreX;
  const dy = y - o.centreY;
  const angle = Math.atan2(dy, dx);
  let scale = 1;
  for (let i = 0; i < o.harmonics.length; i++) {
    scale += o.harmonics[i].amplitude * Math.cos((i + 2) * angle + o.harmonics[i].phase);
  }
  return Math.sqrt(dx * dx + dy * dy) / (o.radius * scale);
}

export interface OpacitySample {
  /** Added brightness (before exposure). */
  brightness: number;
  /** Inside the core of some opacity (lung membership is checked by the caller). */
  inCore: boolean;
}

/** Fills `out` (reused across pixels). */
export function sampleOpacitiesAt(opacities: Opacity[], x: number, y: number, out: OpacitySample): void {
  let brightness = 0;
  let inCore = false;
  for (let k = 0; k < opacities.length; k++) {
    const o = opacities[k];
    if (Math.abs(x - o.centreX) > o.radius * 2 || Math.abs(y - o.centreY) > o.radius * 2) continue;
    const d = relativeDistance(o, x, y);
    // Fluffy texture: patchy density inside, ragged edge from the noise shifting the falloff.
    const patch = o.texture((x - o.centreX) / (4 * o.radius) + 0.5, (y - o.centreY) / (4 * o.radius) + 0.5);
    const density = 1 - smoothstep(0.45, 1.1, d + 0.25 * (patch - 0.5));
    brightness = Math.max(brightness, o.strength * density * (0.75 + 0.5 * patch));
    if (d < MASK_RADIUS_FRACTION) inCore = true;
  }
  out.brightness = brightness;
  out.inCore = inCore;
}
