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

const libRoot = path.join(root, 'src/lib');

/** 'dicom' for src/lib/dicom/**, 'errors' for src/lib/errors.ts; undefined outside src/lib. */
function libUnit(file: string): string | undefined {
  const rel = path.relative(libRoot, file);
  if (rel.startsWith('..')) return undefined;
  return rel.split(path.sep)[0].replace(/\.ts$/, '');
}

/** Each cycle between src/lib units, written as the imports that close it ('a → b (a/x.ts imports ../b/y)'). */
function libFolderCycles(): string[] {
  const edges = new Map<string, Map<string, string>>();
  for (const file of sources(libRoot)) {
    const from = libUnit(file)!;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g)) {
      const to = libUnit(path.resolve(path.dirname(file), m[1]));
      if (to === undefined || to === from) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      if (!edges.get(from)!.has(to)) edges.get(from)!.set(to, `${path.relative(libRoot, file)} imports ${m[1]}`);
    }
  }
  const cycles: string[] = [];
  const done = new Set<string>();
  const stack: string[] = [];
  const visit = (unit: string) => {
    if (done.has(unit)) return;
    const at = stack.indexOf(unit);
    if (at >= 0) {
      const loop = [...stack.slice(at), unit];
      cycles.push(loop.slice(1).map((to, i) => `${loop[i]} → ${to} (${edges.get(loop[i])!.get(to)})`).join('; '));
      return;
    }
    stack.push(unit);
    for (const to of edges.get(unit)?.keys() ?? []) visit(to);
    stack.pop();
    done.add(unit);
  };
  for (const unit of [...edges.keys()].sort()) visit(unit);
  return cycles;
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

  it('the folders of src/lib (and its top-level files) import each other without a cycle', () => {
    const cycles = libFolderCycles();
    expect(cycles, cycles.join('\n')).toEqual([]);
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
