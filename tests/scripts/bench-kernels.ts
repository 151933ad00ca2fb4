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

interface KernelRow {
  shape: string;
  gflop: number;
  forwardMs: number;
  forwardStudioMs: number;
  inputGradMs: number;
  inputGradGemmMs: number;
  inputGradStudioMs: number;
  filterGradStockMs: number;
  filterGradStudioMs: number;
  filterGradWebglMs: number;
  studioKernelUsed: boolean;
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
  const rows: KernelRow[] = [];
  try {
    for (const c of shapes) {
      const skipped = { used: 'stock', ms: NaN };
      const forward = dwOnly ? skipped : await time('Conv2D', c, 'webgpu', 'stock');
      const forwardStudio = dwOnly ? skipped : await time('Conv2D', c, 'webgpu', 'studio');
      const inputGrad = dwOnly || c.name.startsWith('conv1') ? skipped : await time('Conv2DBackpropInput', c, 'webgpu', 'stock', true);
      const inputGradGemm = dwOnly || c.name.startsWith('conv1') ? skipped : await time('Conv2DBackpropInput', c, 'webgpu', 'stock', false);
      const inputGradStudio = dwOnly || c.name.startsWith('conv1') ? skipped : await time('Conv2DBackpropInput', c, 'webgpu', 'studio');
      const filterStock = await time('Conv2DBackpropFilter', c, 'webgpu', 'stock');
      const filterStudio = await time('Conv2DBackpropFilter', c, 'webgpu', 'studio');
      const filterWebgl = await time('Conv2DBackpropFilter', c, 'webgl', 'stock');
      const row = {
        shape: c.name, gflop: gflop(c), forwardMs: forward.ms, forwardStudioMs: forwardStudio.ms, inputGradMs: inputGrad.ms, inputGradGemmMs: inputGradGemm.ms,
        inputGradStudioMs: inputGradStudio.ms, filterGradStockMs: filterStock.ms, filterGradStudioMs: filterStudio.ms, filterGradWebglMs: filterWebgl.ms,
        studioKernelUsed: filterStudio.used === 'studio',
      };
      rows.push(row);
      console.log(`${c.name}: forward ${forward.ms.toFixed(1)} → studio ${forwardStudio.ms.toFixed(1)} ms, input grad ${inputGrad.ms.toFixed(1)} ms (tfjs's GEMM path ${inputGradGemm.ms.toFixed(1)} ms) → studio ${inputGradStudio.ms.toFixed(1)} ms, filter grad stock ${filterStock.ms.toFixed(1)} ms → studio ${filterStudio.ms.toFixed(1)} ms (${(filterStock.ms / filterStudio.ms).toFixed(1)}×), WebGL ${filterWebgl.ms.toFixed(1)} ms`);
    }
  } finally {
    await lab.close();
  }
  const torch = torchFilterGradMs(shapes, reps);
  const gfs = (g: number, ms: number | null) => (ms ? (g / (ms / 1000)).toFixed(2) : '—');
  console.log(`\nWebGPU adapter: ${adapter}. GFLOP/s = 2·MACs / time; share = of the three WebGPU kernels' total (conv1 has no input gradient in training).`);
  const sum = (r: KernelRow, kind: 'stock' | 'studio') =>
    kind === 'stock' ? (r.forwardMs || 0) + (r.inputGradMs || 0) + r.filterGradStockMs : (r.forwardStudioMs || 0) + (r.inputGradStudioMs || 0) + r.filterGradStudioMs;
  const total = { stock: rows.reduce((t, r) => t + sum(r, 'stock'), 0), studio: rows.reduce((t, r) => t + sum(r, 'studio'), 0) };
  const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '—');
  const table = rows.map((r, i) => ({
    shape: r.shape,
    GFLOP: r.gflop.toFixed(3),
    'fwd stock→studio ms': `${ms(r.forwardMs)} → ${ms(r.forwardStudioMs)}`,
    'dX stock (GEMM flag)→studio ms': `${ms(r.inputGradMs)} (${ms(r.inputGradGemmMs)}) → ${ms(r.inputGradStudioMs)}`,
    'dW stock→studio ms': `${ms(r.filterGradStockMs)} → ${ms(r.filterGradStudioMs)}`,
    'dW speed-up': `${(r.filterGradStockMs / r.filterGradStudioMs).toFixed(1)}×`,
    'dW GFLOP/s stock|studio|WebGL': `${gfs(r.gflop, r.filterGradStockMs)} | ${gfs(r.gflop, r.filterGradStudioMs)} | ${gfs(r.gflop, r.filterGradWebglMs)}`,
    'dW PyTorch CPU GFLOP/s': gfs(r.gflop, torch[i]),
    'share stock|studio': `${((100 * sum(r, 'stock')) / total.stock).toFixed(0)} | ${((100 * sum(r, 'studio')) / total.studio).toFixed(0)} %`,
  }));
  console.table(table);
  if (!dwOnly) console.log(`three conv kernels, one of each shape: stock ${total.stock.toFixed(0)} ms, studio ${total.studio.toFixed(0)} ms (${(total.stock / total.studio).toFixed(1)}×)`);
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
