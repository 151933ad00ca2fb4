/**
 * Components render and call state; the state classes get their workers and database from the one composition
 * root (src/state/app-state.ts). A runtime import of a worker, IndexedDB or storage module from a component, or
 * from a state class, fails here with the offending lines. Type-only imports are fine: they vanish at build.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');

/** the modules that reach a worker, IndexedDB or the storage API */
const EDGE = /(^|\/)platform\/(workers|worker-pool|db|import-service|checkpoint-store|weights-store|blob-store|storage|storage-probe|training-service|training-session|explain-service|dataset-source|export)(\.ts)?$|^(idb|comlink)(\/|$)/;

function script(file: string): string {
  const text = readFileSync(file, 'utf8');
  return file.endsWith('.svelte') ? [...text.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n') : text;
}

function runtimeImports(file: string): string[] {
  const found: string[] = [];
  for (const m of script(file).matchAll(/^\s*import\s+(type\s+)?(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm)) if (!m[1]) found.push(m[2]);
  for (const m of script(file).matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]);
  return found;
}

function offences(files: string[]): string[] {
  return files.flatMap((file) => {
    const rel = path.relative(root, file);
    const text = script(file);
    const found = runtimeImports(file)
      .filter((spec) => EDGE.test(spec))
      .map((spec) => `${rel} imports ${spec}`);
    if (/\bindexedDB\s*\.|\bnew\s+Worker\s*\(/.test(text)) found.push(`${rel} opens IndexedDB or a worker itself`);
    return found;
  });
}

const inDir = (dir: string, pattern: RegExp) =>
  readdirSync(path.join(root, dir))
    .filter((name) => pattern.test(name))
    .map((name) => path.join(root, dir, name));

describe('components and state classes get their workers and database from the composition root', () => {
  it('no component (nor App.svelte) imports a worker, IndexedDB or storage module', () => {
    const files = [...inDir('src/components', /\.svelte$/), path.join(root, 'src/App.svelte')];
    expect(files.length).toBeGreaterThan(10);
    expect(offences(files)).toEqual([]);
  });

  it('no state class imports one either: only src/state/app-state.ts builds them', () => {
    const files = inDir('src/state', /\.ts$/).filter((f) => !f.endsWith('app-state.ts'));
    expect(files.some((f) => f.endsWith('.svelte.ts'))).toBe(true);
    expect(offences(files)).toEqual([]);
  });

  it('the scan sees a forbidden runtime import and lets a type-only one pass', () => {
    const probe = path.join(root, 'src/state/app-state.ts');
    expect(offences([probe]).length).toBeGreaterThan(0);
    expect(runtimeImports(probe)).not.toContain('./deps');
  });
});
