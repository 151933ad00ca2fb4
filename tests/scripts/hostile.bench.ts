/**
 * How fast hostile and broken DICOM files are refused. Tests assert what is refused and why; how long it takes
 * depends on the machine's load, so it is measured here: a 1 GiB deflate bomb, a Number of Frames the data
 * cannot back, a JPEG-LS stream cut before its end marker, and every file of the broken-file set.
 *   npm run bench:hostile
 * (Vitest's bench runner: dicom-parser's CommonJS export loads there as in the studio's bundle, not under tsx.)
 */
import { bench, describe } from 'vitest';
import { renderImageFile } from '../../src/lib/dicom';
import { brokenFiles, jpegLsStream } from '../support/broken-files';
import { deflateBomb } from '../support/deflate-bomb';
import { encapsulatedPixelData, imageElements, part10, withValue } from '../unit/dicom/dicom-builder';

const bomb = imageElements({ rows: 512, columns: 512, bitsAllocated: 16, bitsStored: 12 });
const cases: Array<{ name: string; bytes: Uint8Array }> = [
  { name: 'deflate bomb, 1 GiB of zeros', bytes: deflateBomb(bomb, 1024).bytes },
  { name: 'deflate bomb, 100,000 frames declared', bytes: deflateBomb(withValue(bomb, [0x0028, 0x0008], 'IS', '100000'), 1024).bytes },
  { name: 'JPEG-LS cut before its end marker', bytes: part10('1.2.840.10008.1.2.4.80', imageElements({ rows: 16, columns: 16 }), encapsulatedPixelData([jpegLsStream(16, 16, false)])) },
  ...brokenFiles().map((f) => ({ name: f.name, bytes: f.bytes })),
];

describe('refusing hostile and broken files', () => {
  for (const c of cases) {
    bench(c.name, async () => {
      const refused = await renderImageFile(c.bytes, c.name).then(
        () => false,
        () => true,
      );
      if (!refused) throw new Error(`${c.name} was accepted`);
    }, { iterations: 3, time: 0 });
  }
});
