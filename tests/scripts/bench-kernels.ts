/**
 * Per-kernel timings of ResNet-18's convolutions in Chromium: forward conv, input gradient and filter
 * gradient for every distinct layer shape, on WebGPU with tfjs's stock kernels and the studio's own
 * (src/platform/studio-kernels) side by side, and the stock WebGL filter gradient for reference;
 * PyTorch's filter gradient on this CPU for the same shapes when Debian's python3-torch is installed.
 * Usage: npm run bench:kernels [-- --size 224 --batch 16 --width 1 --reps 2 --only conv1,layer1 --dw-only --out bench-kernels.json]
 * (--only: shapes whose name starts with one of these; --dw-only: filter gradients alone, the slow part here)
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { openModelLab } from '../browser/pages/harness';
import type { KernelLab, TimedKernel } from '../browser/pages/kernel-lab';
import { resnet18ConvShapes, type ConvShape } from '../support/resnet-conv-shapes';
import { repoRoot } from '../support/browser';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** multiply-adds × 2 of one conv (each of the three kernels does the same count, padding taps included) */
function gflop(c: ConvShape): number {
  const outH = Math.floor((c.height + 2 * c.pad - c.kernel) / c.stride) + 1;
  const outW = Math.floor((c.width + 2 * c.pad - c.kernel) / c.stride) + 1;
  return (2 * c.batch * outH * outW * c.kernel * c.kernel * c.inC * c.outC) / 1e9;
}

/** ms per filter gradient in PyTorch on this CPU (torch.nn.grad.conv2d_weight), or null without torch. */
function torchFilterGradMs(shapes: ConvShape[], reps: number): Array<number | null> {
  const script = `
import json, sys, time, torch
torch.set_num_threads(2)
out = []
for c in json.loads(sys.argv[1]):
    x = torch.randn(c['batch'], c['inC'], c['height'], c['width'])
    w = torch.randn(c['outC'], c['inC'], c['kernel'], c['kernel'])
    y = torch.nn.functional.conv2d(x, w, stride=c['stride'], padding=c['pad'])
    dy = torch.randn_like(y)
    f = lambda: torch.nn.grad.conv2d_weight(x, w.shape, dy, stride=c['stride'], padding=c['pad'])
    f()
    ts = []
    for _ in range(${reps}):
        t0 = time.perf_counter(); f(); ts.append((time.perf_counter() - t0) * 1000)
    out.append(sorted(ts)[len(ts) // 2])
print(json.dumps(out))
`;
  const r = spawnSync('/usr/bin/python3', ['-c', script, JSON.stringify(shapes)], { encoding: 'utf8', timeout: 1_200_000 });
  if (r.status !== 0) {
    console.log(`PyTorch column skipped: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
    return shapes.map(() => null);
  }
  return JSON.parse(r.stdout) as number[];
}

async function main(): Promise<void> {
  const size = option('size', 224);
  const batch = option('batch', 16);
  const width = option('width', 1);
  const reps = option('reps', 2);
  const outIndex = process.argv.indexOf('--out');
  const outFile = path.resolve(repoRoot, outIndex > 0 ? process.argv[outIndex + 1] : 'bench-kernels.json');
  const onlyIndex = process.argv.indexOf('--only');
  const only = onlyIndex > 0 ? process.argv[onlyIndex + 1].split(',') : null;
  const dwOnly = process.argv.includes('--dw-only');
  const shapes = resnet18ConvShapes(size, batch, width).filter((c) => !only || only.some((o) => c.name.startsWith(`${o} `)));
  console.log(`ResNet-18 convolutions at ${size} px, batch ${batch}, width ×${width}; median of ${reps} after a warm-up`);
  const lab = await openModelLab('kernel-lab');
  const page = lab.session.page;
  const adapter = await page.evaluate(async () => {
    const a = await (navigator as unknown as { gpu: { requestAdapter(): Promise<{ info?: { vendor?: string; description?: string } } | null> } }).gpu.requestAdapter();
    return [a?.info?.vendor, a?.info?.description].filter(Boolean).join(' ') || 'unknown adapter';
  });
  const time = (kernel: TimedKernel, c: ConvShape, backend: 'webgpu' | 'webgl', choice: 'stock' | 'studio', naiveTranspose?: boolean) =>
    page.evaluate(([k, cs, b, ch, n, naive]) => (window as unknown as { lab: KernelLab }).lab.timeKernel(k, cs, b, ch, n, naive), [kernel, c, backend, choice, reps, naiveTranspose] as const);
  const rows = [];
  try {
    for (const c of shapes) {
      const skipped = { used: 'stock', ms: NaN };
      const forward = dwOnly ? skipped : await time('Conv2D', c, 'webgpu', 'stock');
      const inputGrad = dwOnly ? skipped : await time('Conv2DBackpropInput', c, 'webgpu', 'stock', true);
      const inputGradGemm = dwOnly ? skipped : await time('Conv2DBackpropInput', c, 'webgpu', 'stock', false);
      const filterStock = await time('Conv2DBackpropFilter', c, 'webgpu', 'stock');
      const filterStudio = await time('Conv2DBackpropFilter', c, 'webgpu', 'studio');
      const filterWebgl = await time('Conv2DBackpropFilter', c, 'webgl', 'stock');
      const row = { shape: c.name, gflop: gflop(c), forwardMs: forward.ms, inputGradMs: inputGrad.ms, inputGradGemmMs: inputGradGemm.ms, filterGradStockMs: filterStock.ms, filterGradStudioMs: filterStudio.ms, filterGradWebglMs: filterWebgl.ms, studioKernelUsed: filterStudio.used === 'studio' };
      rows.push(row);
      console.log(`${c.name}: forward ${forward.ms.toFixed(1)} ms, input grad ${inputGrad.ms.toFixed(1)} ms (tfjs's GEMM path ${inputGradGemm.ms.toFixed(1)} ms), filter grad stock ${filterStock.ms.toFixed(1)} ms → studio ${filterStudio.ms.toFixed(1)} ms (${(filterStock.ms / filterStudio.ms).toFixed(1)}×), WebGL ${filterWebgl.ms.toFixed(1)} ms`);
    }
  } finally {
    await lab.close();
  }
  const torch = torchFilterGradMs(shapes, reps);
  const gfs = (g: number, ms: number | null) => (ms ? (g / (ms / 1000)).toFixed(2) : '—');
  console.log(`\nWebGPU adapter: ${adapter}. GFLOP/s = 2·MACs / time; share = of the three WebGPU kernels' total with stock kernels.`);
  const total = rows.reduce((t, r) => t + r.forwardMs + r.inputGradMs + r.filterGradStockMs, 0);
  const table = rows.map((r, i) => ({
    shape: r.shape,
    GFLOP: r.gflop.toFixed(3),
    'fwd ms': r.forwardMs.toFixed(1),
    'dX ms': r.inputGradMs.toFixed(1),
    'dX GEMM-flag ms': r.inputGradGemmMs.toFixed(1),
    'dW stock ms': r.filterGradStockMs.toFixed(1),
    'dW studio ms': r.filterGradStudioMs.toFixed(1),
    'dW speed-up': `${(r.filterGradStockMs / r.filterGradStudioMs).toFixed(1)}×`,
    'dW stock GFLOP/s': gfs(r.gflop, r.filterGradStockMs),
    'dW studio GFLOP/s': gfs(r.gflop, r.filterGradStudioMs),
    'dW WebGL GFLOP/s': gfs(r.gflop, r.filterGradWebglMs),
    'dW PyTorch CPU GFLOP/s': gfs(r.gflop, torch[i]),
    'stock dW share': `${((100 * r.filterGradStockMs) / total).toFixed(0)} %`,
  }));
  console.table(table);
  writeFileSync(outFile, JSON.stringify({ date: new Date().toISOString(), adapter, size, batch, width, reps, rows: rows.map((r, i) => ({ ...r, filterGradTorchCpuMs: torch[i] })) }, null, 2) + '\n');
  console.log(`wrote ${path.relative(repoRoot, outFile)}`);
}

void main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
