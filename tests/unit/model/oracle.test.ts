import { beforeAll, describe, expect, it } from 'vitest';
import type { OracleReport } from '../../support/oracle-check';
import { expectTrainStepMatchesOracle } from '../../support/oracle-expect';
import { haveOracle, oracleSkipReason, runOracleOnCpu } from './oracle-fixture';

if (!haveOracle) console.warn(`skipping: ${oracleSkipReason}`);

describe.skipIf(!haveOracle)('ResNet-18 vs PyTorch oracle: eval logits and one training step (CPU backend)', () => {
  let report: OracleReport;
  beforeAll(async () => {
    report = await runOracleOnCpu(['train']);
  }, 1_800_000);

  it('eval logits within 1e-4 absolute', () => {
    expect(report.evalLogitsMaxAbs).toBeLessThan(1e-4);
  });

  it('training step: loss 1e-4 rel, grad norms 1e-3 rel, BN running stats / fc.bias / post-step logits 1e-4 abs', () => {
    expectTrainStepMatchesOracle(report);
  });
});
