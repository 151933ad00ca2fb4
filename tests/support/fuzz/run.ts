/**
 * Robustness run: mutated variants of real files go through the real import path (renderToModelSize) and each
 * outcome is classified. A decoded image or a StudioError is fine; anything else (TypeError, RangeError, a wasm
 * abort, a plain Error, StudioError 'internal' which renderImageFile throws for a non-finite or out-of-range display
 * value), a call slower than the limit, or a decoded output that is not size×size is a failure.
 *
 * A codec that never returns cannot be interrupted from the same thread: such a run hangs, and the caller's own
 * timeout (the test's) reports it. Every call is timed, so a slow one shows up before it becomes a hang.
 */
import { StudioError, type StudioErrorCode } from '../../../src/lib/errors';
import { renderToModelSize } from '../../../src/lib/image/model-input';
import { childSeed, mulberry32 } from '../../../src/lib/random';
import { mutationTarget, randomVariant, type MutationKind, type MutationTarget } from './mutate';

export interface FuzzFile {
  name: string;
  bytes: Uint8Array;
}

export type FuzzOutcome = 'decoded' | StudioErrorCode | 'failure';

export interface FuzzCase {
  index: number;
  file: string;
  kind: MutationKind;
  detail: string;
  outcome: FuzzOutcome;
  /** StudioError message, or what went wrong for a failure */
  message?: string;
  /** wall-clock time of the call */
  ms: number;
  /** CPU time of the call, when a CPU clock was given */
  cpuMs?: number;
}

export interface FuzzOptions {
  count: number;
  seed: number;
  /** model input size passed to renderToModelSize */
  size?: number;
  /** a call slower than this is a failure: CPU time when `cpuClock` is given, else wall-clock time */
  maxCallMs?: number;
  /**
   * Milliseconds of CPU time used by this thread/process so far (Node: process.cpuUsage). On a loaded machine
   * wall-clock time measures the neighbours as much as the decoder; CPU time does not.
   */
  cpuClock?: () => number;
  /** called after every case, e.g. to sample memory */
  onCase?: (c: FuzzCase) => void;
}

export interface FuzzReport {
  total: number;
  byOutcome: Partial<Record<FuzzOutcome, number>>;
  byKind: Partial<Record<MutationKind, Partial<Record<FuzzOutcome, number>>>>;
  failures: FuzzCase[];
  /** up to three distinct messages per outcome, the file name removed */
  examples: Partial<Record<FuzzOutcome, string[]>>;
  /** by wall-clock time */
  slowest: FuzzCase | undefined;
  /** by CPU time, when a CPU clock was given */
  slowestCpu: FuzzCase | undefined;
  totalMs: number;
}

const now = () => performance.now();

/** Why a successful decode is still wrong, or undefined when it is a proper size×size 8-bit image. */
function invalidOutput(pixels: Uint8Array, size: number): string | undefined {
  if (!(pixels instanceof Uint8Array)) return 'output is not a Uint8Array';
  if (pixels.length !== size * size) return `output has ${pixels.length} values, expected ${size * size}`;
  return undefined;
}

async function classify(bytes: Uint8Array, name: string, size: number): Promise<{ outcome: FuzzOutcome; message?: string }> {
  try {
    const { pixels } = await renderToModelSize(bytes, name, size, 'stretch');
    const invalid = invalidOutput(pixels, size);
    return invalid ? { outcome: 'failure', message: invalid } : { outcome: 'decoded' };
  } catch (e) {
    // 'internal' is the renderer's own invariant check (e.g. a NaN display value): a bug, not a refusal
    if (e instanceof StudioError && e.code !== 'internal') return { outcome: e.code, message: e.message };
    const what = e instanceof Error ? `${e.name}: ${e.message}` : `thrown ${typeof e}: ${String(e)}`;
    return { outcome: 'failure', message: what };
  }
}

const increment = <K extends string>(counts: Partial<Record<K, number>>, key: K) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/** Run `count` variants, each of a file and a mutation kind chosen by the seed. */
export async function runFuzz(files: FuzzFile[], options: FuzzOptions): Promise<FuzzReport> {
  if (files.length === 0) throw new RangeError('runFuzz: no files');
  const { count, seed, size = 64, maxCallMs = 2000 } = options;
  const targets = new Map<string, MutationTarget>();
  const report: FuzzReport = { total: 0, byOutcome: {}, byKind: {}, failures: [], examples: {}, slowest: undefined, slowestCpu: undefined, totalMs: 0 };
  const started = now();
  for (let index = 0; index < count; index++) {
    const rng = mulberry32(childSeed(seed, index));
    const file = files[Math.floor(rng() * files.length)];
    let target = targets.get(file.name);
    if (!target) targets.set(file.name, (target = mutationTarget(file.bytes)));
    const variant = randomVariant(target, rng);
    const name = `${file.name}#${index}`;
    const cpu0 = options.cpuClock?.();
    const t0 = now();
    let { outcome, message } = await classify(variant.bytes, name, size);
    const ms = now() - t0;
    const cpuMs = cpu0 === undefined ? undefined : options.cpuClock!() - cpu0;
    const limited = cpuMs ?? ms;
    if (limited > maxCallMs && outcome !== 'failure') {
      message = `took ${limited.toFixed(0)} ms ${cpuMs === undefined ? '' : 'of CPU '}(limit ${maxCallMs} ms) and ended as ${outcome}`;
      outcome = 'failure';
    }
    const result: FuzzCase = { index, file: file.name, kind: variant.kind, detail: variant.detail, outcome, message, ms, cpuMs };
    report.total++;
    increment(report.byOutcome, outcome);
    increment((report.byKind[variant.kind] ??= {}), outcome);
    if (outcome === 'failure') report.failures.push(result);
    const examples = (report.examples[outcome] ??= []);
    const example = message?.replace(`${name}: `, '').replace(name, '<file>');
    if (example && examples.length < 3 && !examples.includes(example)) examples.push(example);
    if (!report.slowest || ms > report.slowest.ms) report.slowest = result;
    if (cpuMs !== undefined && !(report.slowestCpu && report.slowestCpu.cpuMs! >= cpuMs)) report.slowestCpu = result;
    options.onCase?.(result);
  }
  report.totalMs = now() - started;
  return report;
}

/** A plain-text table: counts by outcome, by mutation kind, the slowest call and the first failures. */
export function formatFuzzReport(report: FuzzReport, maxFailuresListed = 20): string {
  const outcomes = Object.keys(report.byOutcome).sort() as FuzzOutcome[];
  const lines = [`${report.total} variants in ${(report.totalMs / 1000).toFixed(1)} s`, 'outcome                      count'];
  for (const o of outcomes) lines.push(`  ${o.padEnd(28)}${String(report.byOutcome[o]).padStart(6)}`);
  lines.push('', `by mutation kind: ${outcomes.join(' / ')}`);
  for (const [kind, counts] of Object.entries(report.byKind)) {
    lines.push(`  ${kind.padEnd(22)}${outcomes.map((o) => String(counts?.[o] ?? 0).padStart(6)).join('')}`);
  }
  lines.push('', 'example messages:');
  for (const o of outcomes) for (const m of report.examples[o] ?? []) lines.push(`  ${o}: ${m}`);
  const describe = (c: FuzzCase) => `${c.file}, ${c.kind} (${c.detail}) → ${c.outcome}`;
  const wall = report.slowest;
  const cpu = report.slowestCpu;
  lines.push('');
  if (wall) lines.push(`slowest call (wall clock): ${wall.ms.toFixed(1)} ms — ${describe(wall)}`);
  if (cpu) lines.push(`slowest call (CPU time):   ${cpu.cpuMs!.toFixed(1)} ms — ${describe(cpu)}`);
  lines.push(`failures: ${report.failures.length}`);
  for (const f of report.failures.slice(0, maxFailuresListed)) {
    lines.push(`  #${f.index} ${f.file} ${f.kind} (${f.detail}): ${f.message}`);
  }
  return lines.join('\n');
}
