import { beforeAll, describe, expect, it } from 'vitest';
import type { OracleReport } from '../../support/oracle-check';
import { haveOracle, oracleSkipReason, runOracleOnCpu } from '../model/oracle-fixture';

if (!haveOracle) console.warn(`skipping: ${oracleSkipReason}`);

describe.skipIf(!haveOracle)('CAM and Grad-CAM of image 0 vs PyTorch oracle (CPU backend)', () => {
  let report: OracleReport;
  beforeAll(async () => {
    report = await runOracleOnCpu(['cam']);
  }, 900_000);

  it('raw CAM (Σ w·A) within 1e-3 relative', () => {
    expect(report.cam!.camMaxRel).toBeLessThan(1e-3);
  });

  it('Grad-CAM (relu Σ α·A) within 1e-3 relative', () => {
    expect(report.cam!.gradCamMaxRel).toBeLessThan(1e-3);
    expect(report.failures).toEqual([]);
  });
});
