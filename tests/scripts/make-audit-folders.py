#!/usr/bin/python3
"""Folders for the dataset audit's browser test (tests/e2e/dataset-audit.test.ts) and threshold measurement.

  make-audit-folders.py copies <cxr-dicom dir> <out dir> [count]
      <out>/{NORMAL,PNEUMONIA}/ hold every file of the source folder, plus `count` copies of some of them in the
      OTHER class folder under new names, in four kinds (cycled): exact (a byte copy, same PatientID), uncompressed
      (decompressed, written as Explicit VR Little Endian, new PatientID), jpeg-q70 (decompressed and re-encoded as
      baseline JPEG at quality 70, new PatientID), brighter (+15 grey levels, clipped, with a window that shows the
      shift, Explicit VR Little Endian, new PatientID). Prints JSON: [{copy, original, kind}] (paths inside <out>).
  make-audit-folders.py variants <cxr-dicom dir> <out dir> <count>
      <out>/<kind>/<class>/<file> for the first `count` eligible files, each kind once (no originals): for measuring.
  make-audit-folders.py shortcut <out dir> [per class]
      <out>/{NORMAL,PNEUMONIA}/ with synthetic 64×64 DICOM images: every NORMAL image ViewPosition PA, every PNEUMONIA AP.

Originals are chosen among 8-bit MONOCHROME2 baseline-JPEG files (sorted paths, evenly spaced), so every kind applies.
Debian packages only: python3-pydicom, python3-numpy, python3-pil (python3-gdcm decodes the JPEG).
"""
import io
import json
import os
import shutil
import sys

import numpy as np
import pydicom
from PIL import Image
from pydicom.encaps import encapsulate
from pydicom.uid import ExplicitVRLittleEndian, JPEGBaseline8Bit, generate_uid

KINDS = ['exact', 'uncompressed', 'jpeg-q70', 'brighter']
CLASSES = ['NORMAL', 'PNEUMONIA']


def eligible(src):
    out = []
    for cls in CLASSES:
        for name in sorted(os.listdir(os.path.join(src, cls))):
            path = os.path.join(src, cls, name)
            ds = pydicom.dcmread(path, stop_before_pixels=True)
            if ds.file_meta.TransferSyntaxUID == JPEGBaseline8Bit and ds.PhotometricInterpretation == 'MONOCHROME2' and ds.BitsStored == 8:
                out.append((cls, name))
    return out


def pick(src, count):
    candidates = eligible(src)
    step = len(candidates) / count
    return [candidates[int(i * step)] for i in range(count)]


def uncompressed(ds, pixels):
    ds.PixelData = pixels.astype(np.uint8).tobytes()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.is_implicit_VR = False
    ds.is_little_endian = True
    return ds


def variant(path, kind, index):
    """The copy of the file at `path` as bytes."""
    if kind == 'exact':
        with open(path, 'rb') as f:
            return f.read()
    ds = pydicom.dcmread(path)
    pixels = ds.pixel_array.astype(np.int32)
    ds.PatientID = f'COPY-{index:03d}'
    ds.SOPInstanceUID = generate_uid()
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    if kind == 'uncompressed':
        uncompressed(ds, pixels)
    elif kind == 'brighter':
        uncompressed(ds, np.clip(pixels + 15, 0, 255))
        ds.WindowCenter = 127.5
        ds.WindowWidth = 256
    elif kind == 'jpeg-q70':
        buffer = io.BytesIO()
        Image.fromarray(pixels.astype(np.uint8), mode='L').save(buffer, format='JPEG', quality=70)
        ds.PixelData = encapsulate([buffer.getvalue()])
        ds.file_meta.TransferSyntaxUID = JPEGBaseline8Bit
        ds.is_implicit_VR = False
        ds.is_little_endian = True
        ds['PixelData'].is_undefined_length = True
    else:
        raise ValueError(kind)
    out = io.BytesIO()
    ds.save_as(out, write_like_original=False)
    return out.getvalue()


def other(cls):
    return CLASSES[1 - CLASSES.index(cls)]


def copies(src, out, count):
    for cls in CLASSES:
        shutil.copytree(os.path.join(src, cls), os.path.join(out, cls), dirs_exist_ok=True)
    manifest = []
    for i, (cls, name) in enumerate(pick(src, count)):
        kind = KINDS[i % len(KINDS)]
        copy = f'{other(cls)}/copy-{i:02d}-{kind}-{name}'
        with open(os.path.join(out, copy), 'wb') as f:
            f.write(variant(os.path.join(src, cls, name), kind, i))
        manifest.append({'copy': copy, 'original': f'{cls}/{name}', 'kind': kind})
    print(json.dumps(manifest))


def variants(src, out, count):
    for i, (cls, name) in enumerate(pick(src, count)):
        for kind in KINDS[1:]:
            os.makedirs(os.path.join(out, kind, cls), exist_ok=True)
            with open(os.path.join(out, kind, cls, name), 'wb') as f:
                f.write(variant(os.path.join(src, cls, name), kind, i))


def synthetic(index, view, rng):
    """A 64×64 8-bit image of a few random blobs and noise, with the given ViewPosition."""
    y, x = np.mgrid[0:64, 0:64]
    image = rng.normal(90, 12, (64, 64))
    for _ in range(4):
        cx, cy, r, v = rng.uniform(8, 56), rng.uniform(8, 56), rng.uniform(5, 16), rng.uniform(60, 150)
        image += v * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r))
    meta = pydicom.dataset.FileMetaDataset()
    meta.MediaStorageSOPClassUID = '1.2.840.10008.5.1.4.1.1.1.1'  # Digital X-Ray Image for Presentation
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = pydicom.dataset.FileDataset(None, {}, file_meta=meta, preamble=b'\0' * 128)
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.PatientID = f'SYN-{index:03d}'
    ds.Modality = 'DX'
    ds.ViewPosition = view
    ds.Manufacturer = 'Synthetic'
    ds.Rows = ds.Columns = 64
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = 'MONOCHROME2'
    ds.BitsAllocated = ds.BitsStored = 8
    ds.HighBit = 7
    ds.PixelRepresentation = 0
    ds.PixelData = np.clip(image, 0, 255).astype(np.uint8).tobytes()
    ds.is_implicit_VR = False
    ds.is_little_endian = True
    out = io.BytesIO()
    ds.save_as(out, write_like_original=False)
    return out.getvalue()


def shortcut(out, per_class):
    rng = np.random.default_rng(16)
    for c, (cls, view) in enumerate([('NORMAL', 'PA'), ('PNEUMONIA', 'AP')]):
        os.makedirs(os.path.join(out, cls), exist_ok=True)
        for i in range(per_class):
            with open(os.path.join(out, cls, f'syn-{cls.lower()}-{i:02d}.dcm'), 'wb') as f:
                f.write(synthetic(c * per_class + i, view, rng))


if __name__ == '__main__':
    mode = sys.argv[1]
    if mode == 'copies':
        copies(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 20)
    elif mode == 'variants':
        variants(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif mode == 'shortcut':
        shortcut(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 15)
    else:
        sys.exit(__doc__)
