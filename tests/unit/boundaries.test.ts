/**
 * Layering: src/lib is pure TypeScript (runs in Node and in workers), so it must not reach for
 * the DOM, Svelte, IndexedDB wrappers or comlink; workers/ entries only expose a service.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : /\.(ts|svelte)$/.test(name) ? [p] : [];
  });
}

describe('layer boundaries', () => {
  it('src/lib imports no browser-edge module and touches no DOM global', () => {
    const offences: string[] = [];
    for (const file of sources(path.join(root, 'src/lib'))) {
      const text = readFileSync(file, 'utf8');
      const rel = path.relative(root, file);
      for (const m of text.matchAll(/from\s+['"]([^'"]+)['"]/g)) {
        const spec = m[1];
        if (/^(svelte|idb|comlink)(\/|$)/.test(spec) || /(^|\/)(platform|state|components)\//.test(spec)) offences.push(`${rel} imports ${spec}`);
      }
      if (/\b(document|window|localStorage|indexedDB)\s*\./.test(text)) offences.push(`${rel} uses a DOM global`);
    }
    expect(offences).toEqual([]);
  });

  it('nothing in src/ or workers/ imports from tests/ (test tools live in tests/, the product in src/)', () => {
    const offences: string[] = [];
    for (const file of [...sources(path.join(root, 'src')), ...sources(path.join(root, 'workers'))]) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
        const target = path.resolve(path.dirname(file), m[1]);
        if (m[1].startsWith('.') && target.startsWith(path.join(root, 'tests') + path.sep)) offences.push(`${path.relative(root, file)} imports ${m[1]}`);
      }
    }
    expect(offences).toEqual([]);
  });

  it('worker entries only expose a service', () => {
    for (const file of sources(path.join(root, 'workers'))) {
      const code = readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.trim() && !l.trim().startsWith('//'));
      const other = code.filter((l) => !/^(import |expose\(|export type )/.test(l));
      expect(other, path.relative(root, file)).toEqual([]);
      expect(code.filter((l) => l.startsWith('expose(')).length).toBe(1);
    }
  });
});
