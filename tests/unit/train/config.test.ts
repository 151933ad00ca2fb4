import { describe, expect, it } from 'vitest';
import { RECIPE, SMALL_MACHINE, validateConfig, withSetting, type TrainConfig } from '../../../src/lib/train/config';
import { camLayerProblem, camSide, defaultCamLayer } from '../../../src/lib/cam/layers';
import { StudioError } from '../../../src/lib/errors';

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(StudioError);
    expect((e as StudioError).code).toBe('bad-config');
    return (e as StudioError).message;
  }
  throw new Error('accepted');
}

describe('advanced training settings', () => {
  it('sets the selects and numbers as their controls give them; empty text unsets a number', () => {
    let c: TrainConfig = { ...RECIPE };
    c = withSetting(c, 'monitor', 'loss');
    c = withSetting(c, 'schedule', 'cosine');
    c = withSetting(c, 'imbalance', 'oversample');
    c = withSetting(c, 'gpuBudgetMB', ' 1500 ');
    c = withSetting(c, 'microBatchSize', '8');
    expect(c).toMatchObject({ monitor: 'loss', schedule: 'cosine', imbalance: 'oversample', gpuBudgetMB: 1500, microBatchSize: 8 });
    expect(withSetting(c, 'gpuBudgetMB', '').gpuBudgetMB).toBeUndefined();
    expect(withSetting(c, 'microBatchSize', '').microBatchSize).toBeUndefined();
    expect(c.epochs).toBe(RECIPE.epochs);
  });

  it('does not change the config it is given', () => {
    const c: TrainConfig = { ...RECIPE };
    withSetting(c, 'monitor', 'f1');
    expect(c.monitor).toBe('auc');
  });

  it.each([
    ['gpuBudgetMB', 'lots', 'GPU memory budget (MB) must be a number, got "lots".'],
    ['gpuBudgetMB', '0', 'GPU memory budget must be positive, got 0 MB.'],
    ['microBatchSize', '2.5', 'Micro-batch size must be a whole number ≥ 1, got 2.5.'],
    ['microBatchSize', '0', 'Micro-batch size must be a whole number ≥ 1, got 0.'],
    ['monitor', 'accuracy', 'Unknown monitor accuracy: use auc, f1, loss.'],
    ['imbalance', 'smote', 'Unknown imbalance mode smote: use pos-weight, oversample, none.'],
    ['schedule', 'linear', 'Unknown learning-rate schedule linear: use none, cosine, step.'],
  ] as const)('refuses %s = "%s" with a message', (key, text, message) => {
    expect(refusal(() => withSetting({ ...RECIPE }, key, text))).toBe(message);
  });

  it('checks only the setting: another field that is wrong does not block it', () => {
    expect(withSetting({ ...RECIPE, lr: 0 }, 'monitor', 'loss').monitor).toBe('loss');
  });

  it('validateConfig refuses an unknown monitor or imbalance mode', () => {
    expect(refusal(() => validateConfig({ ...RECIPE, monitor: 'x' as TrainConfig['monitor'] }))).toMatch(/^Unknown monitor x/);
    expect(refusal(() => validateConfig({ ...RECIPE, imbalance: 'x' as TrainConfig['imbalance'] }))).toMatch(/^Unknown imbalance mode x/);
    expect(validateConfig({ ...RECIPE, imbalance: 'none', monitor: 'f1' })).toMatchObject({ imbalance: 'none', monitor: 'f1' });
  });
});

describe('the software-adapter preset', () => {
  it('is a valid configuration whose explanations are at least 4×4 (layer 3 at 64 px), unlike 32 px', () => {
    const size = SMALL_MACHINE.imageSize!;
    expect(validateConfig({ ...RECIPE, ...SMALL_MACHINE })).toBeTruthy();
    const layer = defaultCamLayer(size);
    expect(camSide(size, layer)).toBeGreaterThanOrEqual(4);
    expect(camLayerProblem(size, layer)).toBeNull();
    expect(camLayerProblem(32, defaultCamLayer(32))).toMatch(/2×2 map/);
  });
});
