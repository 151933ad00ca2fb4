/** First frame of multi-frame encapsulated JPEG, fragmented, with and without a Basic Offset Table. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { renderImageFile } from '../../../src/lib/dicom';
import { encapsulatedPixelData, imageElements, part10 } from './dicom-builder';

const cxr = path.resolve(__dirname, '../../../../shared/data/cxr-dicom');
const first = path.join(cxr, 'NORMAL/IM-0115-0001.dcm');
const second = path.join(cxr, 'PNEUMONIA/person1001_bacteria_2932.dcm');

function jpegFrame(file: string): { jpeg: Uint8Array; rows: number; columns: number } {
  const ds = dicomParser.parseDicom(new Uint8Array(readFileSync(file)));
  const pixel = ds.elements.x7fe00010;
  const jpeg = dicomParser.readEncapsulatedPixelDataFromFragments(ds, pixel, 0, pixel.fragments!.length).slice();
  return { jpeg, rows: ds.uint16('x00280010')!, columns: ds.uint16('x00280011')! };
}

describe.skipIf(!existsSync(first) || !existsSync(second))('multi-frame JPEG baseline (needs ../shared/data)', () => {
  it('decodes frame 1 split over three fragments, with and without offset table', async () => {
    const a = jpegFrame(first);
    const b = jpegFrame(second);
    expect([b.rows, b.columns]).toEqual([a.rows, a.columns]);
    // split frame 1 at even offsets (fragments have even length); frame 2 is one fragment
    const cut1 = 200;
    const cut2 = (a.jpeg.length >> 2) * 2;
    const fragments = [a.jpeg.subarray(0, cut1), a.jpeg.subarray(cut1, cut2), a.jpeg.subarray(cut2), b.jpeg];
    // offsets count bytes from the first fragment's item tag; each item has an 8-byte header
    const frame2Offset = fragments.slice(0, 3).reduce((n, f) => n + f.length + (f.length % 2) + 8, 0);
    const spec = imageElements({ rows: a.rows, columns: a.columns, frames: 2 });
    const expected = await renderImageFile(new Uint8Array(readFileSync(first)), 'single.dcm');
    for (const table of [[0, frame2Offset], []]) {
      const bytes = part10('1.2.840.10008.1.2.4.50', spec, encapsulatedPixelData(fragments, table));
      const image = await renderImageFile(bytes, 'multi.dcm');
      expect(image.info.frames).toBe(2);
      expect(Array.from(image.pixels)).toEqual(Array.from(expected.pixels));
    }
  });
});
