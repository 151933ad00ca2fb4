/**
 * A decompression bomb in the Deflated Explicit VR Little Endian transfer syntax: a small, valid header declaring
 * a modest image, then Pixel Data whose length field and deflated contents run to `zeroMiB` MiB of zeros.
 *
 * Generated without ever holding the inflated bytes. Separately deflated pieces cannot simply be concatenated:
 * blocks end mid-byte and each stream ends with a final block. A sync flush instead of the finish closes the last
 * block without marking it final and pads to a byte boundary with an empty stored block (00 00 FF FF), so pieces
 * deflated that way can follow one another, and a piece that starts afresh (no back-reference before its start)
 * decodes the same wherever it is placed. So: the header synced, one 1 MiB zero piece (~1 KiB at level 9)
 * repeated `zeroMiB` times, and an empty final block. Node's zlib does the deflating: fflate 0.8.3's
 * `Deflate.flush(true)` writes a corrupt stored block whenever the pending partial byte is non-zero.
 */
import { constants, deflateRawSync } from 'node:zlib';
import { deflateSync } from 'fflate';
import { concat, explicitElement, part10, type ElementSpec } from '../unit/dicom/dicom-builder';

export const DEFLATED_EXPLICIT_LE = '1.2.840.10008.1.2.1.99';
const MiB = 2 ** 20;

/** The data set before Pixel Data's value, in explicit VR little endian, with Pixel Data (OW) claiming `pixelLength`. */
function dataSetHeader(elements: ElementSpec[], pixelLength: number): Uint8Array {
  const sorted = [...elements].sort((a, b) => a.tag[0] - b.tag[0] || a.tag[1] - b.tag[1]);
  const pixelHeader = new Uint8Array(12);
  const view = new DataView(pixelHeader.buffer);
  view.setUint16(0, 0x7fe0, true);
  view.setUint16(2, 0x0010, true);
  pixelHeader.set([0x4f, 0x57], 4); // OW
  view.setUint32(8, pixelLength, true);
  return concat([...sorted.map(explicitElement), pixelHeader]);
}

/** Deflate `dataSet` followed by `zeroMiB` MiB of zeros as one raw deflate stream. */
export function deflateWithZeros(dataSet: Uint8Array, zeroMiB: number): Uint8Array {
  const synced = (data: Uint8Array) => deflateRawSync(data, { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  const head = synced(dataSet);
  const zeros = synced(new Uint8Array(MiB));
  const tail = deflateRawSync(new Uint8Array(0)); // one empty final block
  const out = new Uint8Array(head.length + zeros.length * zeroMiB + tail.length);
  out.set(head, 0);
  for (let i = 0; i < zeroMiB; i++) out.set(zeros, head.length + i * zeros.length);
  out.set(tail, out.length - tail.length);
  return out;
}

export interface DeflateBomb {
  bytes: Uint8Array;
  /** bytes the deflated data set inflates to */
  inflatedLength: number;
}

/** A Part 10 file: meta header (deflated syntax), then the deflated data set: `elements`, Pixel Data of `zeroMiB` MiB of zeros. */
export function deflateBomb(elements: ElementSpec[], zeroMiB: number): DeflateBomb {
  const meta = part10(DEFLATED_EXPLICIT_LE, []);
  const header = dataSetHeader(elements, zeroMiB * MiB);
  return { bytes: concat([meta, deflateWithZeros(header, zeroMiB)]), inflatedLength: header.length + zeroMiB * MiB };
}

/** A well-formed deflated Part 10 file holding `dataSet` (explicit VR little endian bytes), deflated in one go. */
export function deflatedPart10(dataSet: Uint8Array): Uint8Array {
  return concat([part10(DEFLATED_EXPLICIT_LE, []), deflateSync(dataSet, { level: 6 })]);
}

/** A well-formed deflated file: `elements`, then `pixels` as Pixel Data. */
export function deflatedDicom(elements: ElementSpec[], pixels: Uint8Array, vr: 'OB' | 'OW' = 'OW'): Uint8Array {
  const sorted = [...elements].sort((a, b) => a.tag[0] - b.tag[0] || a.tag[1] - b.tag[1]);
  return deflatedPart10(concat([...sorted.map(explicitElement), explicitElement({ tag: [0x7fe0, 0x0010], vr, value: pixels })]));
}
