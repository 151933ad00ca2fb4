/**
 * train.py --resume of a run that stopped early: it trains no further and writes the best epoch's weights again
 * (the run's model is its best epoch after an early stop, as in the studio). Skips, saying why, without torch.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseExternalHistory } from '../../../src/lib/export-project/history';
import { exportTinyProject, PYTHON, runIn, torchMissing, type ExportedProject } from './fixture';

const skipReason = torchMissing();
if (skipReason) console.warn(`skipping train.py --resume: ${skipReason}`);

describe.skipIf(skipReason !== null)('train.py --resume after an early stop', () => {
  let project: ExportedProject;

  beforeAll(async () => {
    project = await exportTinyProject(24);
  });

  it('stops early, and resuming it writes the best epoch again without training on', () => {
    // learning rate 0: the validation loss never improves after epoch 1, so patience 1 stops after epoch 2 of 4
    const args = ['train.py', '--epochs', '4', '--patience', '1', '--monitor', 'loss', '--lr', '0', '--workers', '0', '--out', 'runs/early'];
    const first = runIn(project.dir, PYTHON, args);
    expect(first).toContain('stopping early');
    const historyPath = path.join(project.dir, 'runs/early/history.json');
    const weightsPath = path.join(project.dir, 'runs/early/model.safetensors');
    const stopped = JSON.parse(readFileSync(historyPath, 'utf8')) as { stoppedEarly: boolean; bestEpoch: number };
    expect(stopped).toMatchObject({ stoppedEarly: true, bestEpoch: 1 });
    const weights = readFileSync(weightsPath);

    const resumed = runIn(project.dir, PYTHON, [...args, '--resume']);
    console.log(resumed.trim().split('\n').slice(-2).join('\n'));
    expect(resumed).toContain('nothing to resume');
    const history = parseExternalHistory(readFileSync(historyPath, 'utf8'));
    expect(history.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(JSON.parse(readFileSync(historyPath, 'utf8'))).toMatchObject({ stoppedEarly: true, bestEpoch: 1 });
    expect(readFileSync(weightsPath).equals(weights)).toBe(true);
  });
});
