/**
 * A small demo dataset exported as a training project into a temporary folder, through the studio's own
 * dataset export (writeDatasetEntries) and project files, and the Python that runs train.py.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateDemoImage } from '../../../src/lib/demo';
import { EMPTY_SUMS, meanStd, mergeSums, sumsOfUint8 } from '../../../src/lib/dataset/stats';
import { RECIPE, type TrainConfig } from '../../../src/lib/train/config';
import { projectFiles } from '../../../src/lib/export-project/project';
import { writeDatasetEntries } from '../../../src/platform/export';
import type { DatasetRecord, ImageRecord, PixelRecord } from '../../../src/platform/db';

/** Debian's python3 with torch (the PATH one may be another interpreter); STUDIO_PYTHON overrides. */
export const PYTHON = process.env.STUDIO_PYTHON ?? '/usr/bin/python3';

/** Why the Python tests cannot run here, or null. */
export function torchMissing(): string | null {
  const probe = spawnSync(PYTHON, ['-c', 'import torch, torchvision, numpy, PIL'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} not found (${probe.error.message}); install python3-torch python3-torchvision or set STUDIO_PYTHON`;
  if (probe.status !== 0) return `${PYTHON} lacks torch/torchvision/numpy/PIL: ${probe.stderr.trim().split('\n').at(-1)}`;
  return null;
}

export interface ExportedProject {
  dir: string;
  images: Array<{ meta: ImageRecord; pixels: Uint8Array }>;
  dataset: DatasetRecord;
  config: TrainConfig;
}

export const TINY: TrainConfig = {
  ...RECIPE,
  epochs: 1,
  batchSize: 8,
  imageSize: 32,
  widthMultiplier: 0.125,
  lr: 1e-3,
  weightDecay: 1e-4,
  seed: 5,
};

/** `count` demo images (every 5th in val), exported as a project with `config`. */
export async function exportTinyProject(count: number, config: TrainConfig = TINY): Promise<ExportedProject> {
  const size = config.imageSize;
  const images = Array.from({ length: count }, (_, i) => {
    const img = generateDemoImage(i, { seed: 11, size, positiveFraction: 0.3 });
    const meta: ImageRecord = {
      id: img.id,
      datasetId: 'tiny',
      sourcePath: `demo/${img.id}.dcm`,
      label: img.label,
      split: i % 5 === 3 ? 'val' : 'train',
      splitFixed: false,
      patientId: img.patientId,
      format: 'demo',
      originalWidth: size,
      originalHeight: size,
      contentHash: img.id,
      sums: sumsOfUint8(img.pixels),
    };
    return { meta, pixels: img.pixels };
  });
  const trainSums = images.filter((m) => m.meta.split === 'train').reduce((s, m) => mergeSums(s, m.meta.sums), EMPTY_SUMS);
  const dataset: DatasetRecord = {
    id: 'tiny',
    name: 'tiny demo',
    source: 'demo',
    createdAt: 0,
    imageSize: size,
    classes: ['normal', 'opacity'],
    status: 'ready',
    imageCount: count,
    rejectedCount: 0,
    stats: { ...meanStd(trainSums), trainSums },
    splitSeed: 1,
    splitFractions: [0.8, 0.2, 0],
  };
  const { mean, std } = dataset.stats!;
  const extra = projectFiles(
    config,
    { name: dataset.name, classes: dataset.classes, imageSize: size, mean, std, splitSeed: 1, splitFractions: [0.8, 0.2, 0] },
    count,
  );
  const dir = mkdtempSync(path.join(tmpdir(), 'studio-project-'));
  const byId = new Map(images.map((m) => [m.meta.id, m.pixels]));
  const readPixels = async (batch: ImageRecord[]): Promise<PixelRecord[]> => batch.map((m) => ({ id: m.id, pixels: byId.get(m.id)! }));
  await writeDatasetEntries(
    dataset,
    images.map((m) => m.meta),
    readPixels,
    async ({ path: p, bytes }) => {
      mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
      writeFileSync(path.join(dir, p), bytes);
    },
    () => true,
    { extra },
  );
  return { dir, images, dataset, config };
}

/** Runs a command in the project folder; throws with its output when it fails. */
export function runIn(dir: string, command: string, args: string[], timeoutMs = 120_000): string {
  const run = spawnSync(command, args, { cwd: dir, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${run.status ?? run.signal}):\n${run.stdout}\n${run.stderr}`);
  return run.stdout + run.stderr;
}

/**
 * Debian's torch 1.13 on Python 3.11: torchrun's default `--redirects 0 --tee 0` hits an IntFlag change
 * (Std.from_str("0") returns None, fixed in torch 2.0); these flags avoid it and print the workers' output.
 */
export function launcherWorkaround(): string[] {
  const probe = spawnSync(PYTHON, ['-c', 'import sys, torch; print(int(torch.__version__.split(".")[0]) < 2 and sys.version_info >= (3, 11))'], { encoding: 'utf8' });
  return probe.stdout.trim() === 'True' ? ['--redirects', '1', '--tee', '1'] : [];
}

/** A README launch line as argv for PYTHON: `python3 x` -> [x]; `torchrun …` -> [-m, torch.distributed.run, …]. */
export function launchArgs(line: string, extra: string[]): string[] {
  const [head, ...rest] = line.split(' ');
  if (head === 'python3') return [...rest, ...extra];
  if (head === 'torchrun') return ['-m', 'torch.distributed.run', ...launcherWorkaround(), ...rest, ...extra];
  throw new Error(`not a launch line: ${line}`);
}
