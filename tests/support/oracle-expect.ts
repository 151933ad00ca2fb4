import { expect } from 'vitest';
import { ORACLE_TOLERANCES as tol, type OracleReport } from './oracle-check';

/** One training step matches PyTorch: loss, five grad norms, BN running stats, fc.bias, conv1 update, post-step logits. */
export function expectTrainStepMatchesOracle(report: OracleReport) {
  const t = report.train!;
  expect(t.lossRel).toBeLessThan(tol.lossRel);
  expect(Object.keys(t.gradNormRel).length).toBe(5);
  for (const rel of Object.values(t.gradNormRel)) expect(rel).toBeLessThan(tol.gradNormRel);
  expect(t.runningStatsMaxAbs).toBeLessThan(tol.runningStatsAbs);
  expect(t.fcBiasAfterAbs).toBeLessThan(tol.runningStatsAbs);
  expect(t.conv1DeltaAbsMeanRel).toBeLessThan(tol.gradNormRel);
  expect(t.postStepLogitsMaxAbs).toBeLessThan(tol.postStepLogitsAbs);
  expect(report.failures).toEqual([]);
}
