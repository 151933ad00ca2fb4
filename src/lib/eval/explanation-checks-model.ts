/**
 * Explanation sanity checks run on a model: deletion / insertion curves of each method's maps against a random
 * pixel order, and the cascading model-parameter randomisation test (fc, then layer4, then layer3 re-initialised
 * with createResNet18's init; Spearman correlation of the new maps with the originals). The model passed in is
 * only read: the randomised copies are separate variables, freed before returning.
 */
import * as tf from '@tensorflow/tfjs';
import { createResNet18, forward, type ResNet } from '../model/resnet';
import { toInputTensor } from '../model/input-tensor';
import { methodsFor, type CamLayer, type CamMethod } from '../cam/layers';
import { explainPixels } from './explain';
import { classProbabilities } from './summary';
import {
  boxBlur,
  curveArea,
  deletionVerdict,
  insertionVerdict,
  perturbationSeries,
  randomisationVerdict,
  randomOrder,
  saliencyOrder,
  spearman,
} from './explanation-checks';

/** an image and the class whose map and probability are followed */
export interface CheckImage {
  pixels: Uint8Array;
  classIndex: number;
}

export interface CheckOptions {
  /** fractions 0, 1/steps, …, 1 of the pixels removed or revealed */
  steps?: number;
  /** box-blur radius of the baseline, px (default: a tenth of the side) */
  blurRadius?: number;
  /** of the random pixel orders */
  seed?: number;
  /** of the re-initialised parameters */
  initSeed?: number;
  /** after each forward batch: work done / total (for a progress bar) */
  onProgress?: (done: number, total: number) => void;
}

/** mean probability of the explained class along the curve, map order and random order, with their areas */
export interface PerturbationCurves {
  map: number[];
  random: number[];
  mapArea: number;
  randomArea: number;
}

export const CASCADE = [
  { name: 'fc', prefix: 'fc.', label: 'the classifier (fc)' },
  { name: 'layer4', prefix: 'layer4.', label: 'the classifier and layer 4' },
  { name: 'layer3', prefix: 'layer3.', label: 'the classifier, layer 4 and layer 3' },
] as const;

export interface RandomisationStep {
  /** re-initialised so far, from the head down: 'fc', then 'layer4', then 'layer3' */
  layer: (typeof CASCADE)[number]['name'];
  /** mean Spearman correlation of the maps with the original model's (images with a constant map left out) */
  correlation: number;
}

export interface MethodChecks {
  method: CamMethod;
  deletion: PerturbationCurves;
  insertion: PerturbationCurves;
  randomisation: RandomisationStep[];
  verdicts: string[];
}

export interface ExplanationChecksReport {
  layer: CamLayer;
  images: number;
  steps: number;
  blurRadius: number;
  methods: MethodChecks[];
}

const BATCH = 32;

const toUint8 = (values: Float32Array) => Uint8Array.from(values, (v) => Math.min(255, Math.max(0, Math.round(v))));

/** probability of classes[i] for images[i], eval mode, in batches */
async function probabilities(model: ResNet, mean: number, std: number, images: Uint8Array[], classes: number[]): Promise<number[]> {
  const out: number[] = [];
  const k = model.config.numClasses;
  for (let start = 0; start < images.length; start += BATCH) {
    const part = images.slice(start, start + BATCH);
    const x = toInputTensor(part, model.config.inputSize, mean, std);
    const logits = tf.tidy(() => {
      const { logits, features } = forward(model, x, { training: false });
      features.dispose();
      return logits;
    });
    const flat = (await logits.data()) as Float32Array;
    tf.dispose([x, logits]);
    part.forEach((_, i) => out.push(classProbabilities(Array.from(flat.slice(i * k, (i + 1) * k)))[classes[start + i]]));
  }
  return out;
}

/** heat maps (input size) of each image for its class */
async function mapsOf(model: ResNet, mean: number, std: number, images: CheckImage[], method: CamMethod, layer: CamLayer): Promise<Float32Array[]> {
  const heat: Float32Array[] = new Array(images.length);
  for (const cls of new Set(images.map((i) => i.classIndex))) {
    const at = images.flatMap((img, i) => (img.classIndex === cls ? [i] : []));
    for (let start = 0; start < at.length; start += BATCH) {
      const part = at.slice(start, start + BATCH);
      const explained = await explainPixels(model, mean, std, part.map((i) => images[i].pixels), method, cls, layer);
      explained.forEach((e, j) => (heat[part[j]] = e.heat));
    }
  }
  return heat;
}

/** the mean curve over images, each image's curve being `steps + 1` probabilities */
function meanCurve(probs: number[], images: number, steps: number): number[] {
  return Array.from({ length: steps + 1 }, (_, s) => {
    let sum = 0;
    for (let i = 0; i < images; i++) sum += probs[i * (steps + 1) + s];
    return sum / images;
  });
}

function curves(map: number[], random: number[]): PerturbationCurves {
  return { map, random, mapArea: curveArea(map), randomArea: curveArea(random) };
}

/** A copy of `model` whose variables are separate (same values). */
function copyOf(model: ResNet): ResNet {
  const copy = createResNet18(model.config, 1);
  for (const [key, v] of copy.params) v.assign(model.params.get(key)!);
  return copy;
}

const meanFinite = (values: number[]) => {
  const finite = values.filter(Number.isFinite);
  return finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : NaN;
};

export async function explanationChecks(model: ResNet, mean: number, std: number, images: CheckImage[], methods: CamMethod[], layer: CamLayer, options: CheckOptions = {}): Promise<ExplanationChecksReport> {
  const size = model.config.inputSize;
  const { steps = 16, blurRadius = Math.max(1, Math.round(size / 10)), seed = 1, initSeed = 7 } = options;
  const usable = methods.filter((m) => methodsFor(layer).includes(m));
  const n = images.length;
  const classes = images.map((i) => i.classIndex);
  const perCurve = n * (steps + 1);
  const total = perCurve * 2 * (1 + usable.length) + n * usable.length * (1 + CASCADE.length);
  let done = 0;
  const progress = (work: number) => options.onProgress?.((done += work), total);

  const originals = images.map((i) => Float32Array.from(i.pixels));
  const baselines = originals.map((p) => boxBlur(p, size, blurRadius));
  /** probabilities along the deletion and insertion series of every image, pixels removed in `orders[i]` */
  const series = async (orders: Uint32Array[]) => {
    const result: Record<'deletion' | 'insertion', number[]> = { deletion: [], insertion: [] };
    for (const mode of ['deletion', 'insertion'] as const) {
      const perturbed = originals.flatMap((p, i) => perturbationSeries(p, baselines[i], orders[i], steps, mode).map(toUint8));
      const perImageClass = perturbed.map((_, j) => classes[Math.floor(j / (steps + 1))]);
      result[mode] = meanCurve(await probabilities(model, mean, std, perturbed, perImageClass), n, steps);
      progress(perCurve);
    }
    return result;
  };

  const random = await series(originals.map((_, i) => randomOrder(size * size, seed + i)));
  const results: MethodChecks[] = [];
  const originalMaps = new Map<CamMethod, Float32Array[]>();
  for (const method of usable) {
    const maps = await mapsOf(model, mean, std, images, method, layer);
    originalMaps.set(method, maps);
    progress(n);
    const byMap = await series(maps.map(saliencyOrder));
    results.push({ method, deletion: curves(byMap.deletion, random.deletion), insertion: curves(byMap.insertion, random.insertion), randomisation: [], verdicts: [] });
  }

  const copy = copyOf(model);
  const fresh = createResNet18(model.config, initSeed);
  try {
    for (const step of CASCADE) {
      for (const [key, v] of copy.params) if (key.startsWith(step.prefix)) v.assign(fresh.params.get(key)!);
      for (const r of results) {
        const maps = await mapsOf(copy, mean, std, images, r.method, layer);
        const original = originalMaps.get(r.method)!;
        r.randomisation.push({ layer: step.name, correlation: meanFinite(maps.map((m, i) => spearman(original[i], m))) });
        progress(n);
      }
    }
  } finally {
    copy.dispose();
    fresh.dispose();
  }

  for (const r of results) {
    const throughLayer4 = r.randomisation.find((s) => s.layer === 'layer4')!;
    r.verdicts = [
      deletionVerdict({ map: r.deletion.mapArea, random: r.deletion.randomArea }),
      insertionVerdict({ map: r.insertion.mapArea, random: r.insertion.randomArea }),
      randomisationVerdict(throughLayer4.correlation, CASCADE[1].label),
    ];
  }
  return { layer, images: n, steps, blurRadius, methods: results };
}
