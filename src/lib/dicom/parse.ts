import * as dicomParser from 'dicom-parser';
import type { DataSet } from 'dicom-parser';
import { StudioError } from '../errors';
import { inflateDeflatedDataSet } from './inflate';

const IMPLICIT_LITTLE_ENDIAN = '1.2.840.10008.1.2';

/** True when bytes 128..131 hold the Part 10 "DICM" prefix. */
export function hasPart10Prefix(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

/**
 * A raw data set without preamble (an old ACR-NEMA style file) starts with a group-0008 (or 0002/0010/0018/0028)
 * element in implicit VR little endian: group, element, 32-bit length. We accept it when the first tag is one of
 * those groups and the length is even and fits in the file.
 */
export function looksLikeImplicitVrStart(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const group = view.getUint16(0, true);
  const length = view.getUint32(4, true);
  const plausibleGroup = [0x0002, 0x0008, 0x0010, 0x0018, 0x0020, 0x0028].includes(group);
  return plausibleGroup && length % 2 === 0 && length + 8 <= bytes.length;
}

function parseFailureMessage(e: unknown): string {
  if (typeof e === 'string') return e;
  if (e instanceof Error) return e.message;
  if (e && typeof e === 'object' && 'exception' in e) return String((e as { exception: unknown }).exception);
  return String(e);
}

/** Parse a DICOM file (Part 10 or a raw implicit-VR data set). Throws StudioError. */
export function parseDataSet(bytes: Uint8Array, name: string): DataSet {
  if (bytes.length === 0) throw new StudioError('empty-file', `${name} is empty (0 bytes).`);
  const part10 = hasPart10Prefix(bytes);
  if (!part10 && !looksLikeImplicitVrStart(bytes)) {
    throw new StudioError(
      'not-dicom',
      `${name} is not a DICOM file: no "DICM" marker at byte 128 and it does not start like a DICOM data set.`,
    );
  }
  try {
    return dicomParser.parseDicom(bytes, {
      TransferSyntaxUID: part10 ? undefined : IMPLICIT_LITTLE_ENDIAN,
      inflater: inflateDeflatedDataSet,
    } as dicomParser.ParseDicomOptions);
  } catch (e) {
    if (e instanceof StudioError) throw new StudioError(e.code, `${name}: ${e.message}`);
    // A file cut inside Pixel Data: keep what was read so the pixel stage can say how much is missing.
    const partial = e && typeof e === 'object' && 'dataSet' in e ? (e as { dataSet?: DataSet }).dataSet : undefined;
    if (partial?.elements.x7fe00010) {
      if (part10) Object.assign(partial.elements, dicomParser.readPart10Header(bytes).elements);
      return partial;
    }
    const detail = parseFailureMessage(e);
    if (/0002,0010/.test(detail)) {
      throw new StudioError('not-dicom', `${name}: the DICOM header has no Transfer Syntax UID (0002,0010).`);
    }
    throw new StudioError('truncated', `${name}: the DICOM data set is cut short or damaged (${detail}).`);
  }
}
