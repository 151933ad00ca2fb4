#!/usr/bin/python3
"""Reference perceptual hashes (imagehash.phash's recipe with scipy's DCT) of deterministic grey arrays.

Prints one JSON object {name: hex}; tests/unit/audit/phash-reference.test.ts builds the same arrays and compares.
The arrays have sides 32, 64 and 224 (integer multiples of 32: the area resize is a block mean). Coefficients within
1e-9 of the largest count as zero, as in src/lib/audit/phash.ts.
"""
import json

import numpy as np
from scipy.fftpack import dct


def arrays():
    """The same formulas as the unit test: integer grey levels 0..255."""
    out = {}
    for side in (32, 64, 224):
        y, x = np.mgrid[0:side, 0:side]
        out[f'ramp-{side}'] = (x * 255 // (side - 1) + 0 * y) % 256
        out[f'mix-{side}'] = (x * 7 + y * 13 + (x * y) % 11) % 256
        out[f'lcg-{side}'] = lcg(side * side, seed=side).reshape(side, side)
        out[f'disc-{side}'] = np.where((x - side * 0.4) ** 2 + (y - side * 0.6) ** 2 < (side * 0.3) ** 2, 200, 40)
    return out


def lcg(count, seed):
    """x ← (1103515245·x + 12345) mod 2³¹, value = x >> 23 (0..255)."""
    values = np.empty(count, dtype=np.int64)
    state = seed
    for i in range(count):
        state = (1103515245 * state + 12345) % 2**31
        values[i] = state >> 23
    return values


def phash(pixels):
    side = pixels.shape[0]
    block = side // 32
    small = pixels.astype(np.float64).reshape(32, block, 32, block).mean(axis=(1, 3))
    coefficients = dct(dct(small, axis=0), axis=1)[:8, :8]
    coefficients[np.abs(coefficients) <= 1e-9 * np.abs(coefficients).max()] = 0
    bits = (coefficients > np.median(coefficients)).flatten()
    return '{:016x}'.format(int(''.join('1' if b else '0' for b in bits), 2))


if __name__ == '__main__':
    print(json.dumps({name: phash(a) for name, a in arrays().items()}))
