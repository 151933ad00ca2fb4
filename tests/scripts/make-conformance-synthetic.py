#!/usr/bin/python3
"""
Synthetic conformance cases for tests/unit/dicom/conformance-synthetic.test.ts: small DICOM files whose
encapsulated streams carry what real exports carry (padding after EOI, a missing EOI, odd fragment splits,
a JPEG 2000 stream whose signedness disagrees with Pixel Representation), and their expected 8-bit
renderings by pydicom + GDCM (Modality LUT → min–max → 8-bit, at the source size).

Needs Debian's python3-pydicom, python3-gdcm, python3-numpy, python3-opencv:
  /usr/bin/python3 tests/scripts/make-conformance-synthetic.py
Writes tests/fixtures/conformance-synthetic/{cases.json, *.dcm, *.png}.
"""
import copy
import json
import os
import struct
import sys
import tempfile

import cv2
import gdcm
import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import generate_pixel_data_frame
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'conformance-synthetic')
SIZE = 64

SYNTAXES = {
    'jpeg-baseline': (gdcm.TransferSyntax.JPEGBaselineProcess1, '1.2.840.10008.1.2.4.50', 8),
    'jpeg-ls': (gdcm.TransferSyntax.JPEGLSLossless, '1.2.840.10008.1.2.4.80', 12),
    'jpeg-lossless': (gdcm.TransferSyntax.JPEGLosslessProcess14_1, '1.2.840.10008.1.2.4.70', 12),
    'jpeg-2000': (gdcm.TransferSyntax.JPEG2000Lossless, '1.2.840.10008.1.2.4.90', 12),
}


def radiograph(bits: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:SIZE, 0:SIZE] / SIZE
    body = np.clip(1 - ((x - 0.5) / 0.38) ** 2 - ((y - 0.5) / 0.45) ** 2, 0, 1)
    ribs = 0.5 + 0.5 * np.sin(y * 40 + seed)
    top = 2 ** bits - 1
    img = top * (0.12 + 0.6 * body + 0.15 * body * ribs) + rng.normal(0, top * 0.03, (SIZE, SIZE))
    return np.clip(np.round(img), 0, top).astype(np.uint8 if bits <= 8 else np.uint16)


def native_dataset(pixels: np.ndarray, bits: int, representation: int = 0) -> Dataset:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = '1.2.840.10008.5.1.4.1.1.7'
    meta.MediaStorageSOPInstanceUID = generate_uid(entropy_srcs=[str(bits), str(int(pixels.sum()))])
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.PatientID = 'SYNTHETIC'
    ds.Modality = 'OT'
    ds.Rows, ds.Columns = pixels.shape
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = 'MONOCHROME2'
    ds.BitsAllocated = 8 if bits <= 8 else 16
    ds.BitsStored = bits
    ds.HighBit = bits - 1
    ds.PixelRepresentation = representation
    ds.PixelData = pixels.tobytes()
    return ds


def gdcm_compress(ds: Dataset, syntax) -> Dataset:
    """The native dataset → GDCM's encoding in `syntax` (read back with pydicom)."""
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = os.path.join(tmp, 'in.dcm'), os.path.join(tmp, 'out.dcm')
        ds.save_as(src, write_like_original=False)
        reader = gdcm.ImageReader()
        reader.SetFileName(src)
        if not reader.Read():
            raise RuntimeError('GDCM could not read the native file')
        change = gdcm.ImageChangeTransferSyntax()
        change.SetTransferSyntax(gdcm.TransferSyntax(syntax))
        change.SetInput(reader.GetImage())
        if not change.Change():
            raise RuntimeError(f'GDCM could not encode {syntax}')
        writer = gdcm.ImageWriter()
        writer.SetFileName(dst)
        writer.SetFile(reader.GetFile())
        writer.SetImage(change.GetOutput())
        if not writer.Write():
            raise RuntimeError('GDCM could not write')
        return pydicom.dcmread(dst)


def code_stream(ds: Dataset) -> bytes:
    return next(generate_pixel_data_frame(ds.PixelData, 1))


def strip_end(stream: bytes) -> bytes:
    """The stream up to and including its EOI/EOC (FF D9), without GDCM's own pad byte."""
    end = stream.rfind(b'\xff\xd9')
    return stream[: end + 2]


def encapsulate(fragments: list) -> bytes:
    out = bytearray(struct.pack('<HHI', 0xFFFE, 0xE000, 0))  # empty basic offset table
    for f in fragments:
        if len(f) % 2:
            raise ValueError('fragments are even-length')
        out += struct.pack('<HHI', 0xFFFE, 0xE000, len(f)) + f
    return bytes(out)


def even(stream: bytes, pad: int = 0) -> bytes:
    return stream + bytes([pad]) if len(stream) % 2 else stream


def variants(stream: bytes) -> dict:
    """Fragment lists for each case; every fragment even-length, as PS3.5 A.4 requires."""
    body = strip_end(stream)
    third = (len(body) // 3) & ~1
    return {
        'padded-00': [body + (b'\x00' if len(body) % 2 else b'\x00\x00')],
        'padded-ff': [body + (b'\xff' if len(body) % 2 else b'\xff\xff')],
        'no-eoi': [even(body[:-2])],
        'split': [body[:third], body[third : 2 * third], even(body[2 * third :])],
        # SOI alone, then six bytes of the header, then the rest
        'split-odd': [body[:2], body[2:8], even(body[8:])],
    }


def with_fragments(ds: Dataset, fragments: list) -> Dataset:
    ds = copy.deepcopy(ds)
    ds.PixelData = encapsulate(fragments)
    ds['PixelData'].VR = 'OB'
    ds['PixelData'].is_undefined_length = True
    return ds


def eight_bit(values: np.ndarray) -> np.ndarray:
    """min–max → round to 8 bits"""
    values = values.astype(np.float64)
    lo, hi = values.min(), values.max()
    scaled = (values - lo) / (hi - lo) if hi > lo else np.zeros_like(values)
    return np.round(scaled * 255).astype(np.uint8)


def reference(path: str, source: np.ndarray, lossless: bool):
    """
    pydicom + GDCM: stored values → Modality LUT → min–max → 8 bits. GDCM may print an error and still hand pydicom a
    buffer (zeros, or the rows it got): a lossless decoding that is not the encoded image is taken as a failure.
    """
    pydicom.config.pixel_data_handlers = [pydicom.pixel_data_handlers.gdcm_handler]
    ds = pydicom.dcmread(path)
    try:
        arr = ds.pixel_array
    except Exception as e:  # noqa: BLE001 - recorded, not raised
        return None, str(e)
    pixels = eight_bit(pydicom.pixel_data_handlers.util.apply_modality_lut(arr, ds))
    off = float(np.abs(pixels.astype(np.int32) - eight_bit(source).astype(np.int32)).mean())
    if off > (0.01 if lossless else 3):
        return None, f'GDCM decoded something else ({off:.1f} grey levels from the encoded image)'
    return pixels, None


def main() -> int:
    os.makedirs(OUT, exist_ok=True)
    cases = []
    for i, (encoding, (syntax, uid, bits)) in enumerate(SYNTAXES.items()):
        source = radiograph(bits, i + 1)
        native = native_dataset(source, bits)
        compressed = gdcm_compress(native, syntax)
        assert compressed.file_meta.TransferSyntaxUID == uid, (encoding, compressed.file_meta.TransferSyntaxUID)
        for kind, fragments in variants(code_stream(compressed)).items():
            cases.append((f'{encoding}-{kind}', with_fragments(compressed, fragments), encoding, kind, source, encoding != 'jpeg-baseline'))
    # JPEG 2000 whose code stream's signedness disagrees with Pixel Representation: the header governs
    for bits in (12, 16):
        signed = (radiograph(12, 9).astype(np.int32) - 2048).astype(np.int16)
        unsigned_pattern = signed.view(np.uint16) & (2**bits - 1)
        compressed = gdcm_compress(native_dataset(unsigned_pattern, bits), gdcm.TransferSyntax.JPEG2000Lossless)
        mismatch = with_fragments(compressed, [even(strip_end(code_stream(compressed)))])
        mismatch.PixelRepresentation = 1
        truth = signed if bits == 16 else unsigned_pattern  # pydicom does not sign-extend 12-bit values in 16 bits
        cases.append((f'jpeg-2000-signed-header-unsigned-stream-{bits}', mismatch, 'jpeg-2000', 'signedness', truth, True))
    signed = (radiograph(12, 10).astype(np.int32) - 2048).astype(np.int16)
    compressed = gdcm_compress(native_dataset(signed, 16, representation=1), gdcm.TransferSyntax.JPEG2000Lossless)
    mismatch = with_fragments(compressed, [even(strip_end(code_stream(compressed)))])
    mismatch.PixelRepresentation = 0
    cases.append(('jpeg-2000-unsigned-header-signed-stream-16', mismatch, 'jpeg-2000', 'signedness', signed.view(np.uint16), True))

    manifest = []
    for name, ds, encoding, kind, source, lossless in cases:
        path = os.path.join(OUT, f'{name}.dcm')
        ds.save_as(path, write_like_original=False)
        pixels, error = reference(path, source, lossless)
        entry = {'file': f'{name}.dcm', 'encoding': encoding, 'case': kind, 'transferSyntax': ds.file_meta.TransferSyntaxUID}
        if pixels is None:
            # GDCM cannot read it: the studio may refuse it, but what it imports must be the encoded image
            entry['gdcmError'] = error
            cv2.imwrite(os.path.join(OUT, f'{name}.source.png'), eight_bit(source))
            entry['source'] = f'{name}.source.png'
        else:
            cv2.imwrite(os.path.join(OUT, f'{name}.png'), pixels)
            entry['reference'] = f'{name}.png'
        manifest.append(entry)
        print(f"{name:40s} {'GDCM: ' + error if error else 'reference written'}")
    with open(os.path.join(OUT, 'cases.json'), 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
