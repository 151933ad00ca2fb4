import { describe, expect, it } from 'vitest';
import { demoDatasetId, parseDemoModelCard } from '../../../src/lib/demo/demo-model';

const good = { count: 1600, size: 224, seed: 20240101, width: 0.125, epochs: 3, batch: 32, lr: 0.001, mean: 0.41, std: 0.22, pointing: 0.83, positives: 155 };

describe('demo model card', () => {
  it('parses every field and names the dataset importDemo builds', () => {
    const card = parseDemoModelCard(JSON.stringify({ ...good, note: 'extra fields are ignored' }));
    expect(card).toEqual(good);
    expect(demoDatasetId(card)).toBe('demo-1600-224px-seed20240101');
  });

  it('names the field that is missing or not a number', () => {
    const { std: _std, ...noStd } = good;
    expect(() => parseDemoModelCard(JSON.stringify(noStd))).toThrow(/"std"/);
    expect(() => parseDemoModelCard(JSON.stringify({ ...good, size: '224' }))).toThrow(/"size"/);
    expect(() => parseDemoModelCard('{not json')).toThrow(/not JSON/);
    expect(() => parseDemoModelCard(JSON.stringify({ ...good, std: 0 }))).toThrow(/no usable dataset/);
  });
});
