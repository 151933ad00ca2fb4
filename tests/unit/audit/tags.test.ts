import { describe, expect, it } from 'vitest';
import { renderImageFile } from '../../../src/lib/dicom';
import { imageTags } from '../../../src/lib/audit/tags';
import { imageElements, nativePixelData, part10 } from '../dicom/dicom-builder';

const EXPLICIT_LE = '1.2.840.10008.1.2.1';

describe('the audit tags of a decoded DICOM file', () => {
  it('reads view position, manufacturer, pixel spacing and the pixel module', async () => {
    const elements = imageElements({
      rows: 2,
      columns: 2,
      extra: [
        { tag: [0x0018, 0x5101], vr: 'CS', value: 'AP' },
        { tag: [0x0008, 0x0070], vr: 'LO', value: 'Acme Imaging' },
        { tag: [0x0028, 0x0030], vr: 'DS', value: '0.139\\0.139' },
      ],
    });
    const { info } = await renderImageFile(part10(EXPLICIT_LE, elements, nativePixelData(new Uint8Array([0, 64, 128, 255]))), 'a.dcm');
    expect(imageTags(info)).toEqual({
      viewPosition: 'AP',
      modality: 'DX',
      manufacturer: 'Acme Imaging',
      photometric: 'MONOCHROME2',
      bitsStored: 8,
      pixelSpacing: '0.139\\0.139',
      transferSyntax: EXPLICIT_LE,
    });
  });

  it('leaves out what the file does not have, and has none for a PNG or JPEG', async () => {
    const { info } = await renderImageFile(part10(EXPLICIT_LE, imageElements({ rows: 2, columns: 2 }), nativePixelData(new Uint8Array(4))), 'b.dcm');
    expect(Object.keys(imageTags(info)!).sort()).toEqual(['bitsStored', 'modality', 'photometric', 'transferSyntax']);
    expect(imageTags({ ...info, format: 'png' })).toBeUndefined();
  });
});
