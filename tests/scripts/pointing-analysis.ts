/**
 * Why does a trained demo model's CAM miss the lesion? Offline analysis (Node, tfjs CPU) of a model saved by
 *   EVAL_POINTING_SAVE=<dir> EVAL_POINTING=1 npx vitest run --project browser tests/e2e/eval-pointing.test.ts
 * Usage: npx tsx tests/scripts/pointing-analysis.ts <dir> [images=64 | heldout]
 * On unseen demo images (indices from 5000, same generator and seed as the demo) — or, with `heldout`, on the
 * very val+test positives the studio scored (the demo's default split of run.json's image count) — it prints,
 * per explanation method, the pointing game, how often the peak lies on the lesion's side and its mean distance
 * to the lesion; and the occlusion check: positive logits before and after the lesion is filled with the
 * lung's mean grey. Node runs tfjs's CPU backend, so `heldout` also tells a backend's error from the model's.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEMO_DEFAULTS, demoLabel, demoPatientId, generateDemoScene, type DemoScene } from '../../src/lib/demo';
import { assignSplits, DEFAULT_SPLIT_FRACTIONS } from '../../src/lib/dataset/splits';
import { explainPixels, type CamMethod } from '../../src/lib/eval/explain';
import { peakIndex, pointingHit, standardTolerancePx } from '../../src/lib/eval/pointing-game';
import { createResNet18 } from '../../src/lib/model/resnet';
import { readSafetensors } from '../../src/lib/model/safetensors';
import { loadStateDict } from '../../src/lib/model/state-dict';
import { chunk } from '../../src/lib/chunk';
import { predictLogits } from '../../src/lib/train/evaluate';

const [dir, countArg] = process.argv.slice(2);
if (!dir) throw new Error('usage: npx tsx tests/scripts/pointing-analysis.ts <dir saved by EVAL_POINTING_SAVE> [images]');
const run = JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8')) as { size: number; width: number; mean: number; std: number; count: number };
const size = run.size;
const demoOptions = { seed: DEMO_DEFAULTS.seed, size, positiveFraction: DEMO_DEFAULTS.positiveFraction };

await tf.setBackend('cpu');
const model = createResNet18({ widthMultiplier: run.width, numClasses: 1, inputSize: size }, 1);
loadStateDict(model, readSafetensors(readFileSync(path.join(dir, 'model.safetensors'))), { adaptImageNet: false });

/** Indices of the positive val+test images of the studio's demo dataset of `n` images (default split settings). */
function heldOutPositives(n: number): number[] {
  const indices = Array.from({ length: n }, (_, i) => i);
  const splits = assignSplits(indices.map(demoPatientId), { seed: DEMO_DEFAULTS.seed, fractions: DEFAULT_SPLIT_FRACTIONS });
  return indices.filter((i) => splits[i] !== 'train' && demoLabel(i, DEMO_DEFAULTS.positiveFraction) === 1);
}

const positives: DemoScene[] = [];
if (countArg === 'heldout') for (const i of heldOutPositives(run.count)) positives.push(generateDemoScene(i, demoOptions));
else
  for (let i = 5000; positives.length < Number(countArg ?? 64); i++) {
    const s = generateDemoScene(i, demoOptions);
    if (s.label === 1) positives.push(s);
  }
const count = positives.length;
console.log(`${count} positive images (${countArg === 'heldout' ? `the held-out val+test positives of the ${run.count}-image demo` : 'unseen, indices from 5000'})`);

/** Lesion pixels (mask dilated by 4 px) replaced by the mean grey of the rest of the lungs. */
function fillLesion(s: DemoScene): Uint8Array {
  const near = new Uint8Array(size * size);
  s.lesionMask.forEach((m, i) => {
    if (!m) return;
    const y = Math.floor(i / size);
    const x = i % size;
    for (let yy = Math.max(0, y - 4); yy <= Math.min(size - 1, y + 4); yy++) for (let xx = Math.max(0, x - 4); xx <= Math.min(size - 1, x + 4); xx++) near[yy * size + xx] = 1;
  });
  let sum = 0;
  let n = 0;
  s.lungMask.forEach((m, i) => {
    if (m && !near[i]) [sum, n] = [sum + s.pixels[i], n + 1];
  });
  const out = s.pixels.slice();
  near.forEach((m, i) => {
    if (m && s.lungMask[i]) out[i] = Math.round(sum / n);
  });
  return out;
}

/** Eval-mode logits of in-memory images, through the trainer's own predictLogits. */
async function logits(images: Uint8Array[]): Promise<number[]> {
  const examples = images.map((_, i) => ({ id: String(i), label: 1 }));
  const found = await predictLogits(model, { mean: run.mean, std: run.std, load: async (ids) => ids.map((id) => images[Number(id)]) }, examples, 8);
  return found.map((l) => l[0]);
}

const tolerance = standardTolerancePx(size);
for (const method of ['cam', 'gradcam', 'gradcam++'] as CamMethod[]) {
  let hits = 0;
  let sameSide = 0;
  let oneSided = 0;
  let distance = 0;
  for (const batch of chunk(positives, 8)) {
    const explained = await explainPixels(model, run.mean, run.std, batch.map((s) => s.pixels), method, 1);
    explained.forEach((e, j) => {
      const mask = batch[j].lesionMask;
      if (pointingHit(e.heat, mask, size, tolerance)) hits++;
      const peak = peakIndex(e.heat, size);
      const [px, py] = [peak % size, Math.floor(peak / size)];
      let [left, right, sx, sy] = [0, 0, 0, 0];
      mask.forEach((m, i) => {
        if (!m) return;
        if (i % size < size / 2) left++;
        else right++;
        sx += i % size;
        sy += Math.floor(i / size);
      });
      if (left && right) return; // lesions in both lungs: no single side
      oneSided++;
      if (px < size / 2 === left > 0) sameSide++;
      distance += Math.hypot(px - sx / (left + right), py - sy / (left + right));
    });
  }
  console.log(`${method}: pointing game ${hits}/${positives.length} = ${(hits / positives.length).toFixed(3)}; peak on the lesion's side ${sameSide}/${oneSided}; mean distance peak → lesion centroid ${(distance / oneSided).toFixed(1)} px (tolerance ${tolerance} px)`);
}

const before = await logits(positives.map((s) => s.pixels));
const after = await logits(positives.map(fillLesion));
const mean = (v: number[]) => (v.reduce((a, c) => a + c, 0) / v.length).toFixed(2);
console.log(`occlusion: positive logits > 0 in ${before.filter((v) => v > 0).length}/${count} images (mean ${mean(before)}); with the lesion filled ${after.filter((v) => v > 0).length}/${count} (mean ${mean(after)})`);
