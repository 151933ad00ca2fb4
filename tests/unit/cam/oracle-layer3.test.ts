/**
 * Layer-3 Grad-CAM / Grad-CAM++ of oracle image 0 against PyTorch, computed at test time by
 * tests/scripts/oracle-layer3.py (Debian's /usr/bin/python3 with torch + torchvision) from the same .pth and
 * inputs as the layer-4 oracle. Skips, saying why, without the oracle data or without python3 + torch.
 */
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradCam, gradCamPlusPlus } from '../../../src/lib/cam/cam';
import { nchwToNhwc } from '../../../src/lib/model/layout';
import { readPth } from '../../../src/lib/model/pth';
import { createResNet18, type ResNet } from '../../../src/lib/model/resnet';
import { loadStateDict } from '../../../src/lib/model/state-dict';
import { ORACLE_TOLERANCES } from '../../support/oracle-check';
import { haveOracle, oracleDir, oracleSkipReason } from '../model/oracle-fixture';

const PYTHON = '/usr/bin/python3';
const script = path.resolve(__dirname, '../../scripts/oracle-layer3.py');

function torchMissing(): string | null {
  if (!haveOracle) return oracleSkipReason;
  const probe = spawnSync(PYTHON, ['-c', 'import torch, torchvision'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} not found (${probe.error.message})`;
  if (probe.status !== 0) return `${PYTHON} has no torch + torchvision: ${probe.stderr.trim().split('\n').at(-1)}`;
  return null;
}

const skipReason = torchMissing();
if (skipReason) console.warn(`skipping the layer-3 oracle: ${skipReason}`);

interface Layer3Reference {
  torch: string;
  input_size: number;
  gradcam_layer3_relu: number[][];
  gradcampp_layer3_relu: number[][];
  layer4_gradcam_max_rel_vs_expected: number;
}

/** Largest deviation relative to the reference map's peak (relu zeros make per-value relative errors meaningless). */
function peakRelative(ours: Float32Array, reference: number[]): number {
  if (ours.length !== reference.length) return Infinity;
  const peak = Math.max(...reference.map(Math.abs));
  return Math.max(...reference.map((r, i) => Math.abs(ours[i] - r))) / peak;
}

describe.skipIf(skipReason !== null)('layer-3 Grad-CAM of image 0 vs PyTorch (CPU backend)', () => {
  let reference: Layer3Reference;
  let model: ResNet;
  let image0: tf.Tensor4D;

  beforeAll(async () => {
    const run = spawnSync(PYTHON, [script, oracleDir], { encoding: 'utf8', maxBuffer: 16 << 20 });
    if (run.status !== 0) throw new Error(`${script} failed: ${run.stderr}`);
    reference = JSON.parse(run.stdout) as Layer3Reference;
    console.log(`layer-3 reference from torch ${reference.torch}; its layer-4 Grad-CAM vs expected.json: ${reference.layer4_gradcam_max_rel_vs_expected.toExponential(2)} relative`);

    await tf.setBackend('cpu');
    const expected = JSON.parse(readFileSync(path.join(oracleDir, 'expected.json'), 'utf8')) as { seed: number; eval_logits: number[] };
    const size = reference.input_size;
    model = createResNet18({ widthMultiplier: 1, numClasses: 1, inputSize: size }, expected.seed);
    loadStateDict(model, readPth(new Uint8Array(readFileSync(path.join(oracleDir, 'resnet18-imagenet-layout.pth')))), { adaptImageNet: true, head: 'first-row' });
    const raw = readFileSync(path.join(oracleDir, 'inputs.f32'));
    const first = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + size * size * 4));
    image0 = tf.tensor4d(nchwToNhwc(first, [1, 1, size, size]), [1, size, size, 1]);
    return () => {
      image0.dispose();
      model.dispose();
    };
  }, 900_000);

  it('the script reproduces the layer-4 reference, so its conventions are the original ones', () => {
    expect(reference.layer4_gradcam_max_rel_vs_expected).toBeLessThan(ORACLE_TOLERANCES.camRel);
  });

  it('Grad-CAM on layer 3 (14×14 at 224 px) within 1e-3 of its peak', async () => {
    const [ours] = await gradCam(model, image0, 0, 1, 3);
    const ref = reference.gradcam_layer3_relu;
    expect([ref.length, ref[0].length]).toEqual([14, 14]);
    const deviation = peakRelative(ours, ref.flat());
    console.log(`layer-3 Grad-CAM: max deviation ${deviation.toExponential(3)} of the peak ${Math.max(...ref.flat()).toExponential(3)}`);
    expect(deviation).toBeLessThan(ORACLE_TOLERANCES.camRel);
  }, 900_000);

  it('Grad-CAM++ on layer 3 within 1e-3 of its peak', async () => {
    const [ours] = await gradCamPlusPlus(model, image0, 0, 1, 3);
    const deviation = peakRelative(ours, reference.gradcampp_layer3_relu.flat());
    console.log(`layer-3 Grad-CAM++: max deviation ${deviation.toExponential(3)} of the peak`);
    expect(deviation).toBeLessThan(ORACLE_TOLERANCES.camRel);
  }, 900_000);
});
