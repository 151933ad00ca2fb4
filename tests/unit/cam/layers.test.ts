import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { camLayerProblem, camSide, checkMethodOnLayer, defaultCamLayer, gradCam, methodsFor, minInputSizeFor, turbo, type CamLayer } from '../../../src/lib/cam/cam';
import { turboGradient } from '../../../src/lib/cam/colormap';
import { explainPixels } from '../../../src/lib/eval';
import { StudioError } from '../../../src/lib/errors';
import { backbone, createResNet18 } from '../../../src/lib/model/resnet';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('CAM layers', () => {
  it("camSide is the side of the backbone's layer3 / layer4 output", () => {
    for (const size of [32, 49, 64, 97, 128]) {
      const model = createResNet18({ widthMultiplier: 0.125, numClasses: 1, inputSize: size }, 1);
      const x = tf.zeros([1, size, size, 1]) as tf.Tensor4D;
      for (const layer of [3, 4] as CamLayer[]) {
        const features = backbone(model, x, false, layer);
        expect([size, layer, features.shape[1], features.shape[2]]).toEqual([size, layer, camSide(size, layer), camSide(size, layer)]);
        features.dispose();
      }
      x.dispose();
      model.dispose();
    }
    expect([camSide(224, 4), camSide(224, 3), camSide(64, 3), camSide(32, 4)]).toEqual([7, 14, 4, 1]);
  });

  it('defaults to layer 4 while its map is at least 4×4, else layer 3', () => {
    expect([224, 128, 97, 96, 64, 32].map(defaultCamLayer)).toEqual([4, 4, 4, 3, 3, 3]);
    expect([minInputSizeFor(3), minInputSizeFor(4)]).toEqual([64, 128]);
  });

  it('says why a map under 4×4 is not drawn and what to do instead', () => {
    expect(camLayerProblem(64, 3)).toBeNull();
    expect(camLayerProblem(224, 4)).toBeNull();
    expect(camLayerProblem(64, 4)).toMatch(/layer 4 gives a 2×2 map.*choose layer 3 \(4×4\)/);
    expect(camLayerProblem(32, 3)).toMatch(/layer 3 gives a 2×2 map.*import the images again at 64 px or more/);
    expect(camLayerProblem(32, 4)).toMatch(/1×1 map.*import the images again at 64 px/);
  });

  it('plain CAM exists on layer 4 only', () => {
    expect(methodsFor(4)).toEqual(['cam', 'gradcam', 'gradcam++']);
    expect(methodsFor(3)).toEqual(['gradcam', 'gradcam++']);
    expect(() => checkMethodOnLayer('gradcam++', 3)).not.toThrow();
    expect(() => checkMethodOnLayer('cam', 3)).toThrow(StudioError);
    expect(() => checkMethodOnLayer('gradcam', 5 as CamLayer)).toThrow(/layer 3 or 4/);
  });
});

describe('layer-3 explanations', () => {
  it('Grad-CAM on layer 3 is a 4×4 map at 64 px, not the 2×2 of layer 4, and not all zero', async () => {
    const model = createResNet18({ widthMultiplier: 0.125, numClasses: 1, inputSize: 64 }, 2);
    const x = tf.randomNormal([2, 64, 64, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const on3 = await gradCam(model, x, 0, 1, 3);
    const on4 = await gradCam(model, x, 0, 1, 4);
    expect(on3.map((m) => m.length)).toEqual([16, 16]);
    expect(on4.map((m) => m.length)).toEqual([4, 4]);
    // the positive and the negative class split the map: where one is positive the other is zero
    const negative = await gradCam(model, x, 0, -1, 3);
    expect(Math.max(...on3[0], ...negative[0])).toBeGreaterThan(0);
    on3[0].forEach((v, p) => expect(Math.min(v, negative[0][p])).toBe(0));
    x.dispose();
    model.dispose();
  });

  it('explainPixels on layer 3: 4×4 maps upsampled to the input; plain CAM on layer 3 is refused', async () => {
    const model = createResNet18({ widthMultiplier: 0.125, numClasses: 3, inputSize: 64 }, 4);
    const images = [0, 1].map((k) => Uint8Array.from({ length: 64 * 64 }, (_, i) => (i * (k + 3)) % 256));
    for (const method of ['gradcam', 'gradcam++'] as const) {
      const out = await explainPixels(model, 0.5, 0.25, images, method, undefined, 3);
      expect(out.map((e) => [e.layer, e.camSize, e.heat.length, e.method])).toEqual([
        [3, 4, 64 * 64, method],
        [3, 4, 64 * 64, method],
      ]);
    }
    const [onLayer4] = await explainPixels(model, 0.5, 0.25, images, 'cam');
    expect([onLayer4.layer, onLayer4.camSize]).toEqual([4, 2]);
    await expect(explainPixels(model, 0.5, 0.25, images, 'cam', undefined, 3)).rejects.toMatchObject({ code: 'bad-config' });
    model.dispose();
  });
});

describe('turboGradient (the colour bar)', () => {
  it('runs from turbo(0) to turbo(1) in evenly spaced stops', () => {
    const css = turboGradient('to right', 5);
    const rgb = (t: number) => `rgb(${turbo(t).map((v) => Math.round(255 * v)).join(', ')})`;
    expect(css).toBe(`linear-gradient(to right, ${rgb(0)} 0%, ${rgb(0.25)} 25%, ${rgb(0.5)} 50%, ${rgb(0.75)} 75%, ${rgb(1)} 100%)`);
  });
});
