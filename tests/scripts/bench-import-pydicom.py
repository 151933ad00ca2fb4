#!/usr/bin/python3
"""
The single-process pydicom + OpenCV loop that bench:import compares the studio with: read each DICOM, decode its
JPEG with OpenCV, min–max to 8 bits, area-resize to size×size and write a PNG, one file after another.
Needs Debian's python3-pydicom and python3-opencv.
  /usr/bin/python3 tests/scripts/bench-import-pydicom.py DIR [size=224]
Prints one line: "pydicom+opencv: N files in S s → F files/s".
"""
import os
import sys
import tempfile
import time

import cv2
import numpy as np
import pydicom
from pydicom.encaps import generate_pixel_data_frame


def convert(path: str, size: int, out: str) -> None:
    ds = pydicom.dcmread(path)
    frame = next(generate_pixel_data_frame(ds.PixelData, 1))
    image = cv2.imdecode(np.frombuffer(frame, np.uint8), cv2.IMREAD_GRAYSCALE)
    if image is None:
        raise ValueError(f'{path}: OpenCV could not decode the frame')
    image = cv2.normalize(image, None, 0, 255, cv2.NORM_MINMAX)
    image = cv2.resize(image, (size, size), interpolation=cv2.INTER_AREA)
    cv2.imwrite(out, image)


def main() -> int:
    root = sys.argv[1]
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 224
    files = sorted(os.path.join(d, f) for d, _, names in os.walk(root) for f in names if f.endswith('.dcm'))
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        for i, path in enumerate(files):
            convert(path, size, os.path.join(out, f'{i}.png'))
        seconds = time.perf_counter() - started
    print(f'pydicom+opencv: {len(files)} files in {seconds:.2f} s → {len(files) / seconds:.1f} files/s')
    return 0


if __name__ == '__main__':
    sys.exit(main())
