import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runResNetOracle, type OracleExpected, type OracleReport } from '../../support/oracle-check';

/** Shared PyTorch oracle data (read-only, outside the repository). */
export const oracleDir = path.resolve(__dirname, '../../../../shared/data/resnet18-oracle');
export const haveOracle = existsSync(path.join(oracleDir, 'expected.json'));
export const oracleSkipReason = `ResNet-18 PyTorch oracle not found at ${oracleDir}`;

/** Runs the oracle on the tfjs CPU backend and prints the report (deviations and timings). */
export async function runOracleOnCpu(parts: ('cam' | 'train')[]): Promise<OracleReport> {
  await tf.setBackend('cpu');
  const bytes = new Uint8Array(readFileSync(path.join(oracleDir, 'resnet18-imagenet-layout.pth')));
  const raw = readFileSync(path.join(oracleDir, 'inputs.f32'));
  const inputs = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const expected = JSON.parse(readFileSync(path.join(oracleDir, 'expected.json'), 'utf8')) as OracleExpected;
  const t0 = performance.now();
  const report = await runResNetOracle(tf, bytes, inputs, expected, { parts });
  console.log(`oracle [${parts.join(', ')}] on cpu, ${((performance.now() - t0) / 1000).toFixed(1)} s:\n${JSON.stringify(report, null, 2)}`);
  return report;
}
