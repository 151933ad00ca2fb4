/**
 * Acceptance: what pydicom + GDCM decode, the studio imports. Fragments with padding after the end-of-image marker,
 * a missing end-of-image marker, odd fragment splits (JPEG baseline, JPEG-LS, JPEG lossless, JPEG 2000) and JPEG 2000
 * streams whose signedness disagrees with Pixel Representation all render within 1.5 grey levels of pydicom + GDCM.
 * Files and references: tests/scripts/make-conformance-synthetic.py (Debian's python3-pydicom + python3-gdcm).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { StudioError } from '../../../src/lib/errors';
import { renderToModelSize } from '../../../src/lib/image';

const dir = path.resolve(__dirname, '../../fixtures/conformance-synthetic');
const MAX_MEAN_ABS_ERROR = 1.5;

interface Case {
  file: string;
  encoding: string;
  case: string;
  transferSyntax: string;
  reference?: string;
  gdcmError?: string;
  /** the encoded image's rendering, for cases GDCM cannot read */
  source?: string;
}

async function maeAgainst(c: Case, png: string): Promise<number> {
  const expected = decode(readFileSync(path.join(dir, png)));
  const { pixels, info } = await renderToModelSize(new Uint8Array(readFileSync(path.join(dir, c.file))), c.file, expected.width, 'stretch');
  expect(info.transferSyntax).toBe(c.transferSyntax);
  // a structural pre-check warns, it does not refuse
  if (c.case === 'no-eoi') expect(info.warnings?.join(' ')).toMatch(/no end-of-image marker/);
  expect(pixels.length).toBe(expected.data.length);
  let sum = 0;
  for (let i = 0; i < pixels.length; i++) sum += Math.abs(pixels[i] - expected.data[i]);
  return sum / pixels.length;
}

const cases: Case[] = JSON.parse(readFileSync(path.join(dir, 'cases.json'), 'utf8'));

describe('synthetic conformance cases against pydicom + GDCM', () => {
  it('covers padding, a missing EOI and split fragments for four codecs, and a signedness mismatch', () => {
    for (const encoding of ['jpeg-baseline', 'jpeg-ls', 'jpeg-lossless', 'jpeg-2000']) {
      const kinds = cases.filter((c) => c.encoding === encoding).map((c) => c.case);
      expect(kinds, encoding).toEqual(expect.arrayContaining(['padded-00', 'padded-ff', 'no-eoi', 'split', 'split-odd']));
    }
    expect(cases.filter((c) => c.case === 'signedness').length).toBeGreaterThanOrEqual(2);
    // every case has a reference, or GDCM's failure is recorded with the encoded image to compare against
    for (const c of cases) expect(Boolean(c.reference) !== Boolean(c.gdcmError && c.source), c.file).toBe(true);
  });

  it.each(cases.filter((c) => c.reference).map((c) => [c.file, c] as const))(
    `imports %s within ${MAX_MEAN_ABS_ERROR} grey levels of GDCM`,
    async (file, c) => {
      const mae = await maeAgainst(c, c.reference!);
      console.log(`${mae.toFixed(3).padStart(7)}  ${file}`);
      expect(mae).toBeLessThanOrEqual(MAX_MEAN_ABS_ERROR);
    },
  );

  it.each(cases.filter((c) => c.gdcmError).map((c) => [c.file, c] as const))(
    '%s, which GDCM cannot read, is refused with a typed error or imported as the encoded image',
    async (file, c) => {
      const outcome = await maeAgainst(c, c.source!).catch((e: unknown) => e);
      if (typeof outcome === 'number') {
        console.log(`${outcome.toFixed(3).padStart(7)}  ${file} (GDCM: ${c.gdcmError})`);
        expect(outcome).toBeLessThanOrEqual(MAX_MEAN_ABS_ERROR);
      } else {
        console.log(`refused  ${file}: ${(outcome as Error).message}`);
        expect(outcome).toBeInstanceOf(StudioError);
        expect((outcome as StudioError).code).toBe('corrupt-compressed-stream');
      }
    },
  );
});
