/**
 * `npm run studio -- import|train|export-project|evaluate <folder> … --out <dir>`: the built studio, driven headless through the
 * same controls a person uses. Exit 0 with `<out>/report.json`, or 1 with one line saying why.
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StudioError, toErrorData } from '../lib/errors';
import { parseArgs, USAGE, type StudioOptions } from './options';
import { openSession } from './session';
import { importFolder } from './import-step';
import { trainAndEvaluate } from './train-step';
import { exportProject } from './export-project-step';
import { evaluateFolder } from './evaluate-step';

const log = (line: string) => process.stderr.write(`studio: ${line}\n`);

async function run(options: StudioOptions): Promise<void> {
  for (const folder of [options.folder, options.eval]) {
    if (folder && !(await stat(folder).catch(() => null))?.isDirectory()) throw new StudioError('empty-dataset', `${folder} is not a folder.`);
  }
  for (const file of [options.labels, options.evalLabels, options.weights, options.history]) {
    if (file && !(await stat(file).catch(() => null))?.isFile()) throw new StudioError('bad-config', `${file} is not a file.`);
  }
  const out = path.resolve(options.out);
  await mkdir(out, { recursive: true });
  const session = await openSession(options.backend, log, options.kernels);
  // Ctrl-C or a kill: close Chromium and the preview server instead of leaving them behind
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: closing the studio`);
      void session.close().finally(() => process.exit(130));
    });
  }
  try {
    const report =
      options.command === 'import'
        ? {
            command: 'import',
            backend: session.backend,
            import: await importFolder(session.page, options, path.join(out, 'dataset'), log),
          }
        : options.command === 'export-project'
          ? await exportProject(session, options, out, log)
          : options.command === 'evaluate'
            ? await evaluateFolder(session, options, out, log)
            : await trainAndEvaluate(session, options, out, log);
    await writeFile(path.join(out, 'report.json'), JSON.stringify(report, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2));
    log(`wrote ${path.join(out, 'report.json')}`);
    const gaps = 'gaps' in report ? report.gaps : [];
    if (gaps.length > 0) throw new StudioError('internal', `incomplete, ${gaps.length} step(s) missing (see report.json "gaps"): ${gaps[0]}`);
  } finally {
    await session.close();
  }
}

async function main(): Promise<void> {
  let options: StudioOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`studio: ${toErrorData(e).message}\n${USAGE}\n`);
    process.exit(2);
  }
  try {
    await run(options);
  } catch (e) {
    const { code, message } = toErrorData(e);
    process.stderr.write(`studio: failed [${code}]: ${message.split('\n')[0]}\n`);
    process.exit(1);
  }
}

void main();
