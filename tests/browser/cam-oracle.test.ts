/**
 * CAM (Σ w·A of layer4) and Grad-CAM of oracle image 0 on tfjs WebGPU in Chromium (SwiftShader here), against
 * PyTorch's expected.json, with the tolerance of the Node CPU test (tests/unit/cam/oracle.test.ts): 1e-3 relative.
 * Reuses the generic model lab page (tests/browser/pages/model-lab.*), which runs the whole oracle-check report.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OracleReport } from '../support/oracle-check';
import { sharedData } from '../support/browser';
import { openModelLab, type Lab } from './pages/harness';
import type { Lab as PageLab } from './pages/model-lab';

const oracleDir = path.join(sharedData, 'resnet18-oracle');
const haveOracle = existsSync(path.join(oracleDir, 'expected.json'));
if (!haveOracle) console.warn(`skipping: ResNet-18 PyTorch oracle not found at ${oracleDir}`);

describe.skipIf(!haveOracle)('CAM and Grad-CAM vs PyTorch oracle on WebGPU (Chromium)', () => {
  let lab: Lab;
  let report: OracleReport;
  beforeAll(async () => {
    lab = await openModelLab();
    const t0 = performance.now();
    report = await lab.session.page.evaluate(() => (window as unknown as { lab: PageLab }).lab.oracle(['cam']));
    console.log(`oracle [cam] on webgpu, ${((performance.now() - t0) / 1000).toFixed(1)} s:\n${JSON.stringify(report, null, 2)}`);
  }, 900_000);
  afterAll(async () => lab?.close());

  it('runs on webgpu; eval logits within 1e-4 absolute', () => {
    expect(report.backend).toBe('webgpu');
    expect(report.evalLogitsMaxAbs).toBeLessThan(1e-4);
  });

  it('raw CAM and Grad-CAM of image 0 within 1e-3 relative', () => {
    expect(report.cam!.camMaxRel).toBeLessThan(1e-3);
    expect(report.cam!.gradCamMaxRel).toBeLessThan(1e-3);
    expect(report.failures).toEqual([]);
  });
});
