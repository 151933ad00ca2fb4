/**
 * Explanation sanity checks on real models (tfjs cpu backend): the mechanics on an untrained 64 px model, and
 * issue 17's acceptance on the bundled demo model (public/demo-model/): CAM's deletion area below a random
 * order's, rank correlation < 0.5 once fc and layer 4 are re-initialised.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createResNet18 } from '../../../src/lib/model/resnet';
import { readSafetensors } from '../../../src/lib/model/safetensors';
import { loadStateDict } from '../../../src/lib/model/state-dict';
import { DEMO_DEFAULTS, generateDemoImage } from '../../../src/lib/demo';
import { parseDemoModelCard } from '../../../src/lib/demo/demo-model';
import { explanationChecks } from '../../../src/lib/eval/explanation-checks-model';

const demoDir = path.resolve(__dirname, '../../../public/demo-model');
const demoPresent = existsSync(path.join(demoDir, 'model.safetensors')) && existsSync(path.join(demoDir, 'card.json'));
if (!demoPresent) console.warn(`skipping the demo-model explanation checks: ${demoDir}/model.safetensors and card.json are missing (npm run demo-model makes them)`);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('explanation checks on a model', () => {
  it('curves run from the image to the blurred baseline; maps of a re-initialised model are compared; nothing leaks', async () => {
    const model = createResNet18({ widthMultiplier: 0.125, numClasses: 1, inputSize: 64 }, 3);
    const options = { seed: 5, size: 64, positiveFraction: 1 };
    const images = [0, 1].map((i) => ({ pixels: generateDemoImage(i, options).pixels, classIndex: 1 }));
    const before = tf.memory().numTensors;
    const report = await explanationChecks(model, 0.4, 0.2, images, ['gradcam', 'gradcam++', 'cam'], 3, { steps: 4 });
    expect(tf.memory().numTensors).toBe(before);
    // plain CAM has no layer-3 form: it is left out
    expect(report.methods.map((m) => m.method)).toEqual(['gradcam', 'gradcam++']);
    for (const m of report.methods) {
      expect(m.deletion.map).toHaveLength(5);
      // both orders start from the image and end at the baseline (deletion), or the reverse (insertion)
      expect(m.deletion.map[0]).toBeCloseTo(m.deletion.random[0], 6);
      expect(m.deletion.map[4]).toBeCloseTo(m.deletion.random[4], 6);
      expect(m.insertion.map[4]).toBeCloseTo(m.deletion.map[0], 6);
      expect(m.insertion.map[0]).toBeCloseTo(m.deletion.map[4], 6);
      expect(m.randomisation.map((s) => s.layer)).toEqual(['fc', 'layer4', 'layer3']);
      expect(m.verdicts).toHaveLength(3);
    }
    // the model itself is untouched
    const again = await explanationChecks(model, 0.4, 0.2, images, ['gradcam'], 3, { steps: 4 });
    expect(again.methods[0].deletion).toEqual(report.methods[0].deletion);
    model.dispose();
  }, 120_000);

  it.skipIf(!demoPresent)('trained demo model: CAM deletion area below random order; rank correlation < 0.5 after randomising layer 4', async () => {
    const card = parseDemoModelCard(readFileSync(path.join(demoDir, 'card.json'), 'utf8'));
    const sd = readSafetensors(new Uint8Array(readFileSync(path.join(demoDir, 'model.safetensors'))));
    const conv1 = sd.get('conv1.weight')!;
    const fc = sd.get('fc.weight')!;
    const model = createResNet18({ widthMultiplier: conv1.shape[0] / 64, numClasses: fc.shape[0], inputSize: card.size }, 1);
    loadStateDict(model, sd, { adaptImageNet: false });
    // positives the model never saw: indices past the dataset it was trained on, same generator and seed
    const options = { seed: card.seed, size: card.size, positiveFraction: DEMO_DEFAULTS.positiveFraction };
    const images = [];
    for (let i = card.count; images.length < 6; i++) {
      const img = generateDemoImage(i, options);
      if (img.label === 1) images.push({ pixels: img.pixels, classIndex: 1 });
    }
    const report = await explanationChecks(model, card.mean, card.std, images, ['cam', 'gradcam'], 4, { steps: 10 });
    for (const m of report.methods) {
      console.log(
        `${m.method}: deletion area ${m.deletion.mapArea.toFixed(3)} (random ${m.deletion.randomArea.toFixed(3)}), insertion area ${m.insertion.mapArea.toFixed(3)} (random ${m.insertion.randomArea.toFixed(3)}); ` +
          `rank correlation after re-initialising ${m.randomisation.map((s) => `${s.layer} ${s.correlation.toFixed(3)}`).join(', ')}`,
      );
      for (const v of m.verdicts) console.log(`  ${v}`);
    }
    const cam = report.methods.find((m) => m.method === 'cam')!;
    expect(cam.deletion.mapArea).toBeLessThan(cam.deletion.randomArea);
    expect(cam.randomisation.find((s) => s.layer === 'layer4')!.correlation).toBeLessThan(0.5);
    model.dispose();
  }, 600_000);
});
