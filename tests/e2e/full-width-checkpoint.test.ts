/**
 * The published recipe's full-width ResNet-18 through the headless runner, in a fresh (ephemeral)
 * browser profile, where Chromium refuses any one IndexedDB value over 133 MB and a full-width
 * checkpoint with Adam's moments is ~134 MB: train, checkpoint, reload the page, resume from the
 * checkpoint, export model.safetensors and load it in a fresh studio with identical logits.
 * Small input (32 px) and 10 synthetic files keep it to a few minutes on SwiftShader.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/browser';
import { writeRsnaSizedFolder } from '../support/jpeg-dicom';

describe('full-width checkpoint, resume and reload (headless runner)', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'full-width-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('trains width ×1, resumes after a reload from its checkpoint and reloads the exported model with identical logits', () => {
    const folder = path.join(tmp, 'train');
    const evalFolder = path.join(tmp, 'eval');
    writeRsnaSizedFolder(folder, 10, 128, 10);
    writeRsnaSizedFolder(evalFolder, 4, 128, 4);
    const out = path.join(tmp, 'out');
    const tsx = path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs');
    const args = ['train', folder, '--eval', evalFolder, '--out', out, '--epochs', '2', '--reload-after', '1', '--batch', '4', '--image-size', '32', '--width', '1', '--split', '60/40/0', '--cams', '1', '--backend', 'webgpu'];
    const r = spawnSync(process.execPath, [tsx, 'src/cli/main.ts', ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 1_500_000 });
    console.log(r.stderr.trim());
    expect(r.status).toBe(0);

    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(report.configuration.width).toBe('1');
    expect(report.resume).toEqual({ reloadedAfterEpoch: 1, resumedFromEpochs: 1 });
    expect(report.history.map((h: { epoch: number }) => h.epoch)).toEqual([1, 2]);
    // full width: 11.2 M parameters (+ BatchNorm buffers) as float32
    expect(statSync(path.join(out, 'model.safetensors')).size).toBeGreaterThan(44_000_000);
    expect(report.modelReload.rows).toBe(4);
    expect(report.modelReload.maxAbsLogitDifference).toBe(0);
  });
});
