/**
 * `npm run bench:gpu`: the studio's training step (createResNet18 → trainStep: forward, BCE loss, backward,
 * Adam) timed headless in Node on tfjs's WebGPU backend through Dawn (npm `webgpu`), with no browser. On a
 * machine without a GPU it falls back to Chromium's SwiftShader Vulkan driver when no other driver gives an
 * adapter (or name one: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json npm run bench:gpu).
 * On a GPU machine Dawn finds the vendor's Vulkan driver (tests/scripts/gpu-check/run.sh sets it up and runs
 * this bundled, beside tests/scripts/bench-gpu-torch.py).
 *
 * Usage: npm run bench:gpu [-- --size 128 --batch 8 --width 0.125 --steps 3 --kernels studio,stock --out bench-gpu.json
 *        --micro-batch N --release --budget-s S --dawn toggle,toggle --profile]
 *   --size     input side in px (default 128)          --batch  images per step (default 8)
 *   --width    ResNet-18 width multiplier (default 0.125; 1 = torchvision's ResNet-18)
 *   --steps    timed steps per kernels choice, after one warm-up step that compiles the shaders (default 3)
 *   --kernels  comma-separated: studio (src/platform/studio-kernels), stock (tfjs's own) (default studio,stock)
 *   --out      JSON file, relative to the current directory (default bench-gpu.json)
 *   --micro-batch  split each step into micro-batches of at most N images (default: none)
 *   --release  empty tfjs's GPU buffer pool inside each step, as the studio does when memory is short (default off)
 *   --budget-s stop timing a kernels choice after the step that ends this many seconds after its start, warm-up
 *              included (at least one timed step; default none): keeps a slow configuration inside a time limit
 *   --dawn     options for Dawn's create(), e.g. backend=vulkan or enable-dawn-features=… (default none)
 *   --profile  one more step under tf.profile: GPU time summed per kernel name (timestamp queries)
 * The defaults keep this run to a few minutes on SwiftShader (2 cores); the full-size recipe, --size 224 --width 1,
 * takes minutes per step there. The JSON is rewritten after each kernels choice, so a run cut short keeps its rows.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';

type KernelChoice = 'studio' | 'stock';

/** Debian's chromium ships SwiftShader's Vulkan ICD; used when no other Vulkan driver gives an adapter. */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

interface Options {
  size: number;
  batch: number;
  width: number;
  steps: number;
  kernels: KernelChoice[];
  out: string;
  microBatch?: number;
  release: boolean;
  budgetS?: number;
  dawn: string[];
  profile: boolean;
}

interface Row {
  kernels: KernelChoice;
  /** what useKernels reported in use (stock when the tfjs version is not the pinned one) */
  used: string;
  warmupMs: number;
  stepMs: number[];
  medianMs: number;
  imagesPerSecond: number;
  loss: number;
  microBatches: number;
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

function numberFlag(name: string, fallback: number): number {
  const v = flag(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} wants a positive number, got ${v}`);
  return n;
}

function parseOptions(): Options {
  const kernels = (flag('kernels') ?? 'studio,stock').split(',').filter(Boolean);
  for (const k of kernels) if (k !== 'studio' && k !== 'stock') throw new Error(`--kernels: unknown choice ${k} (studio, stock)`);
  const micro = flag('micro-batch');
  const budget = flag('budget-s');
  return {
    size: numberFlag('size', 128),
    batch: numberFlag('batch', 8),
    width: numberFlag('width', 0.125),
    steps: numberFlag('steps', 3),
    kernels: kernels as KernelChoice[],
    out: path.resolve(flag('out') ?? 'bench-gpu.json'),
    microBatch: micro === undefined ? undefined : numberFlag('micro-batch', 0),
    release: process.argv.includes('--release'),
    budgetS: budget === undefined ? undefined : numberFlag('budget-s', 0),
    dawn: (flag('dawn') ?? '').split(',').filter(Boolean),
    profile: process.argv.includes('--profile'),
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
}

/**
 * Dawn's WebGPU as navigator.gpu. Must run before tfjs-backend-webgpu is imported: that module registers the
 * 'webgpu' backend only when navigator.gpu exists (Node 20 has no navigator at all).
 */
async function installDawn(dawnOptions: string[]): Promise<AdapterInfo> {
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  let gpu = create(dawnOptions);
  let adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter && !process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && existsSync(SWIFTSHADER_ICD)) {
    // No usable Vulkan driver: Chromium's SwiftShader (the Vulkan loader reads this when Dawn makes its next instance).
    console.log(`no WebGPU adapter on the default Vulkan drivers: trying VK_ICD_FILENAMES=${SWIFTSHADER_ICD}`);
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    gpu = create(dawnOptions);
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  }
  const nav = (globalThis as { navigator?: object }).navigator;
  if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  if (!adapter) {
    throw new Error(
      'Dawn found no WebGPU adapter. Without a GPU, set VK_ICD_FILENAMES to a software Vulkan driver (e.g. /usr/lib/chromium/vk_swiftshader_icd.json from Debian\'s chromium); on a GPU machine check that libvulkan.so.1 and the vendor\'s ICD json are installed.',
    );
  }
  const info = adapter.info;
  return { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description };
}

/**
 * --profile: one more step under tf.profile; GPU time per kernel (timestamp queries, where the adapter offers them)
 * summed by kernel name, largest first, with each name's share of the step's kernel time.
 */
async function printProfile(tf: typeof import('@tensorflow/tfjs'), step: () => Promise<unknown>, label: string): Promise<void> {
  const info = await tf.profile(step as () => Promise<import('@tensorflow/tfjs').Tensor>);
  const byName = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : NaN;
    const e = byName.get(k.name) ?? { ms: 0, calls: 0 };
    byName.set(k.name, { ms: e.ms + ms, calls: e.calls + 1 });
  }
  const total = [...byName.values()].reduce((t, e) => t + e.ms, 0);
  console.log(`  ${label}: kernel time by kernel (tf.profile), total ${total.toFixed(0)} ms`);
  for (const [name, e] of [...byName].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) {
    console.log(`    ${name.padEnd(28)} ${e.ms.toFixed(1).padStart(10)} ms ${((100 * e.ms) / total).toFixed(1).padStart(5)} %  ${e.calls} calls`);
  }
  const byShape = new Map<string, number>();
  for (const k of info.kernels) {
    if (!k.name.startsWith('Conv2D') || typeof k.kernelTimeMs !== 'number') continue;
    const key = `${k.name} ${k.inputShapes.map((sh) => `[${sh}]`).join(' ')} → [${k.outputShapes[0]}]`;
    byShape.set(key, (byShape.get(key) ?? 0) + k.kernelTimeMs);
  }
  if (process.env.PROFILE_FIRST) for (const k of info.kernels.slice(0, Number(process.env.PROFILE_FIRST))) console.log(`    first: ${k.name} ${JSON.stringify(k.inputShapes)} ${typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs.toFixed(1) : '?'} ms`);
  console.log('  convolutions by shape (summed over calls):');
  for (const [key, ms] of [...byShape].sort((a, b) => b[1] - a[1])) console.log(`    ${ms.toFixed(1).padStart(9)} ms  ${key}`);
}

async function main(): Promise<void> {
  const o = parseOptions();
  const adapter = await installDawn(o.dawn);
  // Imported only now (see installDawn); the studio's own model, loss, Adam and kernel switch.
  const tf = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-webgpu');
  const { createResNet18 } = await import('../../src/lib/model/resnet');
  const { Adam } = await import('../../src/lib/model/adam');
  const { trainStep } = await import('../../src/lib/model/train-step');
  const { useKernels } = await import('../../src/platform/studio-kernels');
  const { releasePooledGpuBuffers } = await import('../../src/lib/tfjs-internals');

  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs could not start its webgpu backend on Dawn');
  await tf.ready();
  const adapterText = [adapter.vendor, adapter.architecture, adapter.description].filter(Boolean).join(' / ') || 'unknown adapter';
  console.log(`tfjs ${tf.version.tfjs} on webgpu (Dawn, npm webgpu), adapter: ${adapterText}`);
  console.log(
    `ResNet-18 ×${o.width} at ${o.size} px, batch ${o.batch}, BCE + Adam; 1 warm-up step then the median of ${o.steps}` +
      (o.microBatch ? `, micro-batches of ${o.microBatch}` : '') +
      (o.release ? ', pool released within steps' : ''),
  );

  const rows: Row[] = [];
  const write = () =>
    writeFileSync(
      o.out,
      JSON.stringify(
        {
          date: new Date().toISOString(),
          runtime: `node ${process.version}, tfjs ${tf.version.tfjs}, webgpu (Dawn)`,
          adapter,
          size: o.size,
          batch: o.batch,
          width: o.width,
          steps: o.steps,
          microBatch: o.microBatch ?? null,
          release: o.release,
          budgetS: o.budgetS ?? null,
          rows,
        },
        null,
        2,
      ) + '\n',
    );

  for (const choice of o.kernels) {
    const used = useKernels(choice);
    const model = createResNet18({ widthMultiplier: o.width, numClasses: 1, inputSize: o.size }, 1);
    const adam = new Adam({ lr: 1e-4, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });
    const x = tf.randomNormal([o.batch, o.size, o.size, 1], 0, 1, 'float32', 7) as import('@tensorflow/tfjs').Tensor4D;
    const y = tf.tensor2d(Array.from({ length: o.batch }, (_, i) => i % 2), [o.batch, 1]);
    const options = { microBatchSize: o.microBatch, releaseMemory: o.release ? releasePooledGpuBuffers : undefined };
    try {
      await x.data(); // inputs on the GPU before the clock starts
      const start = performance.now();
      let t0 = start;
      await trainStep(model, adam, x, y, { kind: 'bce', posWeight: 1 }, options);
      const warmupMs = performance.now() - t0;
      console.log(`  ${choice}: warm-up step ${(warmupMs / 1000).toFixed(1)} s`);
      const stepMs: number[] = [];
      let last = { loss: NaN, microBatches: 1 };
      for (let i = 0; i < o.steps; i++) {
        t0 = performance.now();
        const r = await trainStep(model, adam, x, y, { kind: 'bce', posWeight: 1 }, options); // ends with await loss.data()
        stepMs.push(performance.now() - t0);
        last = { loss: r.loss, microBatches: r.microBatches };
        console.log(`  ${choice}: step ${i + 1}/${o.steps} ${stepMs[i].toFixed(0)} ms, loss ${r.loss.toFixed(4)}`);
        if (o.budgetS !== undefined && i + 1 < o.steps && performance.now() - start > o.budgetS * 1000) {
          console.log(`  ${choice}: ${o.budgetS} s budget spent after ${i + 1} timed steps`);
          break;
        }
      }
      if (o.profile) await printProfile(tf, () => trainStep(model, adam, x, y, { kind: 'bce', posWeight: 1 }, options).then(() => x), choice);
      const medianMs = median(stepMs);
      rows.push({ kernels: choice, used, warmupMs, stepMs, medianMs, imagesPerSecond: (1000 * o.batch) / medianMs, loss: last.loss, microBatches: last.microBatches });
      write();
    } finally {
      tf.dispose([x, y]);
      adam.dispose();
      model.dispose();
      releasePooledGpuBuffers();
    }
  }

  const table = [
    'kernels  used    warm-up s   ms/step   images/s',
    ...rows.map(
      (r) =>
        `${r.kernels.padEnd(8)} ${r.used.padEnd(7)} ${(r.warmupMs / 1000).toFixed(1).padStart(9)} ${r.medianMs.toFixed(1).padStart(9)} ${r.imagesPerSecond.toFixed(2).padStart(10)}`,
    ),
  ];
  const studio = rows.find((r) => r.kernels === 'studio');
  const stock = rows.find((r) => r.kernels === 'stock');
  if (studio && stock) table.push(`studio / stock images/s: ${(studio.imagesPerSecond / stock.imagesPerSecond).toFixed(2)}×`);
  console.log(table.join('\n'));
  write();
  console.log(`wrote ${path.relative(process.cwd(), o.out) || o.out}`);
}

// Dawn keeps the process alive while its instance exists: exit explicitly.
main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
