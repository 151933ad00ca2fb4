/** One home for tfjs internals: nothing outside src/lib/tfjs-internals casts tfjs's engine or backend or names their private members. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const home = path.join(root, 'src/lib/tfjs-internals') + path.sep;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : /\.(ts|svelte)$/.test(name) ? [p] : [];
  });
}

const PRIVATE = /\b(tf\.(backend|engine)\(\)\s+as\b|bufferManager|textureManager|commandEncoder|submitQueue|endComputePassEncoder|activeTape|gpgpu|numBytesInGPU)\b|\.device\s*\??\.\s*lost\b/;

describe('tfjs internals', () => {
  it('are reached only from src/lib/tfjs-internals', () => {
    const offences: string[] = [];
    for (const file of [...sources(path.join(root, 'src')), ...sources(path.join(root, 'workers'))]) {
      if (file.startsWith(home)) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (!line.trim().startsWith('*') && !line.trim().startsWith('//') && PRIVATE.test(line)) offences.push(`${path.relative(root, file)}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(offences).toEqual([]);
  });
});
