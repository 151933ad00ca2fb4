/**
 * A chest radiograph in canonical coordinates: x, y in [0, 1], x to the image right (patient's
 * left, as radiographs are displayed), y down. Brightness = attenuation: air dark, soft tissue grey,
 * bone bright. All shapes get per-image random proportions.
 */
import type { Rng } from '../random';
import { smoothstep, uniform, valueNoise, type ValueNoise } from './noise';

export interface Lung {
  /** Horizontal centre and half-width at the widest point. */
  centreX: number;
  halfWidth: number;
  apexY: number;
  /** Lowest point of the lung base (costophrenic angle); the diaphragm domes up by `domeHeight`. */
  baseY: number;
  domeHeight: number;
}

export interface Anatomy {
  /** Image-left lung (patient's right) first, then image-right lung (patient's left). */
  lungs: [Lung, Lung];
  heart: { centreX: number; centreY: number; radiusX: number; radiusY: number };
  shoulderY: number;
  thoraxHalfWidth: number;
  ribStartY: number;
  ribSpacing: number;
  ribCount: number;
  ribHalfThickness: number;
  lungTexture: ValueNoise;
  tissueTexture: ValueNoise;
}

export function sampleAnatomy(rng: Rng): Anatomy {
  const lungBase = uniform(rng, 0.76, 0.82);
  const apex = uniform(rng, 0.14, 0.18);
  const halfWidth = uniform(rng, 0.14, 0.16);
  return {
    lungs: [
      { centreX: 0.5 - uniform(rng, 0.21, 0.23), halfWidth, apexY: apex, baseY: lungBase - 0.02, domeHeight: uniform(rng, 0.06, 0.09) },
      { centreX: 0.5 + uniform(rng, 0.21, 0.23), halfWidth: halfWidth * 0.95, apexY: apex + 0.01, baseY: lungBase, domeHeight: uniform(rng, 0.05, 0.08) },
    ],
    heart: {
      centreX: uniform(rng, 0.54, 0.58),
      centreY: uniform(rng, 0.6, 0.64),
      radiusX: uniform(rng, 0.13, 0.16),
      radiusY: uniform(rng, 0.11, 0.13),
    },
    shoulderY: uniform(rng, 0.1, 0.14),
    thoraxHalfWidth: uniform(rng, 0.43, 0.47),
    ribStartY: apex - 0.03,
    ribSpacing: uniform(rng, 0.064, 0.072),
    ribCount: 10,
    ribHalfThickness: uniform(rng, 0.011, 0.014),
    lungTexture: valueNoise(rng, 28),
    tissueTexture: valueNoise(rng, 6),
  };
}

/**
 * Signed distance-like margin to the lung border (positive inside, in image units):
 * the apex is a rounded point, the lateral wall bulges, the base is a diaphragm dome.
 */
export function lungMargin(lung: Lung, x: number, y: number): number {
  const height = lung.baseY - lung.apexY;
  const t = (y - lung.apexY) / height;
  if (t <= 0) return y - lung.apexY;
  // Half-width grows quickly from the apex and stays full towards the base.
  const halfWidth = lung.halfWidth * Math.sqrt(Math.min(1, t * 2.2)) * (1 - 0.08 * t);
  const across = (x - lung.centreX) / lung.halfWidth;
  const diaphragmY = lung.baseY - lung.domeHeight * Math.max(0, 1 - across * across);
  return Math.min(y - lung.apexY, diaphragmY - y, halfWidth - Math.abs(x - lung.centreX));
}

export function heartWeight(a: Anatomy, x: number, y: number): number {
  const { centreX, centreY, radiusX, radiusY } = a.heart;
  const dx = (x - centreX) / radiusX;
  const dy = (y - centreY) / radiusY;
  // Aortic knob above the heart.
  const kx = (x - 0.535) / 0.045;
  const ky = (y - 0.34) / 0.05;
  return Math.max(1 - smoothstep(0.85, 1.1, Math.sqrt(dx * dx + dy * dy)), 1 - smoothstep(0.8, 1.1, Math.sqrt(kx * kx + ky * ky)));
}

function bodyHalfWidth(a: Anatomy, y: number): number {
  const neck = 0.1;
  // Rounded shoulders: a quarter-ellipse from the neck out to the chest wall.
  const t = Math.min(Math.max((y - (a.shoulderY - 0.1)) / 0.16, 0), 1);
  const shoulders = Math.sqrt(1 - (1 - t) * (1 - t));
  return neck + (a.thoraxHalfWidth + 0.03 - neck) * shoulders - 0.04 * Math.max(0, y - 0.3);
}

/** Posterior ribs: arcs leaving the spine, rising a little, then sweeping down laterally. */
function ribIntensity(a: Anatomy, x: number, y: number): number {
  const fromSpine = Math.abs(x - 0.5);
  if (fromSpine < 0.04 || fromSpine > a.thoraxHalfWidth) return 0;
  // Only the (at most two) ribs nearest this row can reach it: find them from the mean curve.
  const meanCurve = -0.12 * fromSpine + 1.2 * fromSpine * fromSpine;
  const nearest = Math.round((y - a.ribStartY - meanCurve) / a.ribSpacing);
  let total = 0;
  for (let k = Math.max(0, nearest - 2); k <= Math.min(a.ribCount - 1, nearest + 2); k++) {
    // Upper ribs curve more tightly than the long, flatter lower ribs; all widen laterally.
    const curvature = 1.5 - 0.06 * k;
    const centreY = a.ribStartY + k * a.ribSpacing - 0.12 * fromSpine + curvature * fromSpine * fromSpine;
    const offset = (y - centreY) / (a.ribHalfThickness * (0.7 + 1.2 * fromSpine));
    if (Math.abs(offset) < 1.6) {
      const o2 = offset * offset;
      total += Math.exp(-o2 * o2);
    }
  }
  // Ribs fade where they meet the spine.
  return total * smoothstep(0.04, 0.08, fromSpine);
}

function clavicleIntensity(a: Anatomy, x: number, y: number): number {
  const fromSpine = Math.abs(x - 0.5);
  if (fromSpine < 0.05 || fromSpine > 0.36 || y > a.shoulderY + 0.2) return 0;
  // Medial end low at the sternum, rising laterally towards the shoulder with a gentle S.
  const centreY = a.shoulderY + 0.1 - 0.3 * fromSpine + 0.6 * (fromSpine - 0.18) ** 2 * Math.sign(fromSpine - 0.18);
  const offset = (y - centreY) / 0.016;
  return Math.exp(-offset * offset);
}

function spineIntensity(y: number, x: number): number {
  const across = Math.abs(x - 0.5) / 0.042;
  if (across > 1.3) return 0;
  // Vertebral bodies: bright blocks separated by darker discs.
  const discs = 0.88 + 0.12 * Math.cos((2 * Math.PI * y) / 0.062);
  return (1 - smoothstep(0.75, 1.3, across)) * discs;
}

export interface AnatomySample {
  /** Attenuation-like brightness before exposure, roughly in [0, 1]. */
  value: number;
  /** Soft lung membership excluding what the heart covers, [0, 1]. */
  lungVisibility: number;
  /** Hard lung mask: inside either lung contour. */
  inLung: boolean;
}

/** Fills `out` (reused across pixels: no allocation in the render loop). */
export function sampleAnatomyAt(a: Anatomy, x: number, y: number, out: AnatomySample): void {
  const background = 0.03;
  const body = smoothstep(-0.012, 0.012, bodyHalfWidth(a, y) - Math.abs(x - 0.5)) * smoothstep(-0.02, 0.0, y);
  out.lungVisibility = 0;
  out.inLung = false;
  if (body === 0) {
    out.value = background;
    return;
  }
  // Lungs do not cross the midline, so only the lung on this side matters.
  const margin = lungMargin(a.lungs[x < 0.5 ? 0 : 1], x, y);
  const lung = smoothstep(-0.01, 0.03, margin);
  // Soft tissue: denser in the mediastinum and below the diaphragm.
  const mediastinum = 1 - smoothstep(0.06, 0.12, Math.abs(x - 0.5) - 0.05 * smoothstep(0.3, 0.6, y));
  const tissue = 0.5 + 0.12 * (a.tissueTexture(x, y) - 0.5) + 0.08 * smoothstep(0.7, 0.95, y) + 0.08 * mediastinum;
  let value = tissue;
  if (lung > 0) {
    const lungVisibility = lung * (1 - 0.9 * heartWeight(a, x, y));
    // Lungs: air is dark, with vascular markings brighter towards the hila.
    const fromHilum = Math.abs(x - 0.5) - 0.1;
    const hilum = Math.max(0, 1 - (fromHilum * fromHilum) / 0.02);
    const air = 0.16 + (a.lungTexture(x, y) - 0.5) * 0.14 + 0.08 * hilum;
    value += (air - tissue) * lungVisibility;
    out.lungVisibility = lungVisibility;
    out.inLung = margin > 0;
  }
  value += 0.1 * spineIntensity(y, x);
  // Bone shows best against air: ribs are faint over soft tissue.
  value += 0.11 * ribIntensity(a, x, y) * (0.35 + 0.65 * lung) + 0.15 * clavicleIntensity(a, x, y);
  out.value = background + (value - background) * body;
}
