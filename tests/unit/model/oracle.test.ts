import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runResNetOracle, type OracleExpected, type OracleReport } from '../../../src/lib/model/oracle-check';

const dir = path.resolve(__dirname, '../../../../shared/data/resnet18-oracle');
const haveOracle = existsSync(path.join(dir, 'expected.json'));
if (!haveOracle) console.warn(`skipping ResNet-18 PyTorch oracle: ${dir} not found`);

describe.skipIf(!haveOracle)('ResNet-18 vs PyTorch oracle (CPU backend)', () => {
  let report: OracleReport;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    const bytes = new Uint8Array(readFileSync(path.join(dir, 'resnet18-imagenet-layout.pth')));
    const raw = readFileSync(path.join(dir, 'inputs.f32'));
    const inputs = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    const expected = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as OracleExpected;
    const t0 = performance.now();
    report = await runResNetOracle(tf, bytes, inputs, expected);
    console.log(`oracle report (total ${((performance.now() - t0) / 1000).toFixed(1)} s):\n${JSON.stringify(report, null, 2)}`);
  }, 900_000);

  it('eval logits match within 1e-4 absolute', () => {
    expect(report.evalLogitsMaxAbs).toBeLessThan(1e-4);
  });
  it('one training step: loss, gradient norms, BN running stats, fc.bias, post-step logits', () => {
    expect(report.lossRel).toBeLessThan(1e-4);
    for (const rel of Object.values(report.gradNormRel)) expect(rel).toBeLessThan(1e-3);
    expect(Object.keys(report.gradNormRel).length).toBeGreaterThan(0);
    expect(report.runningStatsMaxAbs).toBeLessThan(1e-4);
    expect(report.fcBiasAfterAbs).toBeLessThan(1e-4);
    expect(report.conv1DeltaAbsMeanRel).toBeLessThan(1e-3);
    expect(report.postStepLogitsMaxAbs).toBeLessThan(1e-4);
  });
  it('reports no tolerance failures', () => {
    expect(report.failures).toEqual([]);
  });
});
