/**
 * Milliseconds per image for inference + explanation (eval forward, CAM / Grad-CAM / Grad-CAM++, heat map at
 * input size) on tfjs WebGPU in Chromium (SwiftShader where there is no GPU), through the model lab page.
 * Usage: npm run bench:cam [-- <size> <width> <batch> <reps>]   (default: 128 px ×0.125 and 64 px ×0.125, batch 8,
 * 3 reps — the software-adapter sizes; the 224 px ×1 recipe takes minutes per image on SwiftShader)
 */
import { openModelLab } from '../browser/pages/harness';

interface BenchConfig {
  size: number;
  width: number;
  batch: number;
  reps: number;
}

type Timings = Record<'forward' | 'cam' | 'gradcam' | 'gradcam++', number>;

async function main(): Promise<void> {
  const args = process.argv.slice(2).map(Number);
  const configs: BenchConfig[] =
    args.length >= 2
      ? [{ size: args[0], width: args[1], batch: args[2] || 8, reps: args[3] || 3 }]
      : [
          { size: 128, width: 0.125, batch: 8, reps: 3 },
          { size: 64, width: 0.125, batch: 8, reps: 3 },
        ];
  const lab = await openModelLab();
  // tsx (esbuild keepNames) wraps functions in __name(); give the page a no-op one for the serialised callback
  await lab.session.page.evaluate('globalThis.__name = (fn) => fn');
  try {
    for (const cfg of configs) {
      const perImage = await lab.session.page.evaluate(async ({ size, width, batch, reps }): Promise<Timings> => {
        // Same module instances as the lab page (Vite dev server URLs), so tfjs is the page's WebGPU one.
        const load = (p: string) => import(/* @vite-ignore */ p);
        const { tf } = (window as unknown as { lab: { tf: typeof import('@tensorflow/tfjs') } }).lab;
        const resnet = (await load('/src/lib/model/resnet.ts')) as typeof import('../../src/lib/model/resnet');
        const cam = (await load('/src/lib/cam/cam.ts')) as typeof import('../../src/lib/cam/cam');
        const model = resnet.createResNet18({ widthMultiplier: width, numClasses: 1, inputSize: size }, 1);
        const x = tf.randomNormal([batch, size, size, 1]) as import('@tensorflow/tfjs').Tensor4D;
        const times: Timings = { forward: 0, cam: 0, gradcam: 0, 'gradcam++': 0 };
        const fcWeight = model.params.get('fc.weight') as unknown as import('@tensorflow/tfjs').Tensor2D;
        for (let r = -1; r < reps; r++) {
          // r = −1 warms up (shader compilation), untimed
          let t0 = performance.now();
          const { logits, features } = resnet.forward(model, x, { training: false });
          await logits.data();
          const tForward = performance.now() - t0;
          t0 = performance.now();
          const map = cam.classActivationMap(features, fcWeight, 0);
          const flat = await map.data<'float32'>();
          const side = features.shape[1];
          for (let i = 0; i < batch; i++) cam.camToHeatmap(flat.slice(i * side * side, (i + 1) * side * side), side, size);
          const tCam = performance.now() - t0;
          tf.dispose([logits, features, map]);
          t0 = performance.now();
          for (const m of await cam.gradCam(model, x, 0)) cam.camToHeatmap(m, side, size);
          const tGrad = performance.now() - t0;
          t0 = performance.now();
          for (const m of await cam.gradCamPlusPlus(model, x, 0)) cam.camToHeatmap(m, side, size);
          const tPlus = performance.now() - t0;
          if (r >= 0) {
            times.forward += tForward;
            times.cam += tCam;
            times.gradcam += tGrad;
            times['gradcam++'] += tPlus;
          }
        }
        x.dispose();
        model.dispose();
        for (const k of Object.keys(times) as (keyof Timings)[]) times[k] /= reps * batch;
        return times;
      }, cfg);
      console.log(
        `${cfg.size} px, width ×${cfg.width}, batch ${cfg.batch}, ${cfg.reps} reps (ms per image): ` +
          `inference ${perImage.forward.toFixed(1)}, inference + CAM ${(perImage.forward + perImage.cam).toFixed(1)}, ` +
          `Grad-CAM ${perImage.gradcam.toFixed(1)} (own forward), Grad-CAM++ ${perImage['gradcam++'].toFixed(1)} (own forward)`,
      );
    }
  } finally {
    await lab.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
