"""Reference for tests/unit/latent/projection.test.ts: scikit-learn's PCA of a fixed random matrix.

Writes tests/fixtures/latent/pca-reference.json: the 40 x 6 input (three stretched directions, so the
components are well separated), the first two principal-component coordinates and their explained-variance
ratios. Run with Debian's python3 + python3-sklearn:  /usr/bin/python3 tests/scripts/pca-reference.py
"""
import json
import pathlib

import numpy as np
from sklearn.decomposition import PCA

rng = np.random.default_rng(16)
x = rng.normal(size=(40, 6)) * np.array([5.0, 2.0, 1.0, 0.5, 0.3, 0.1])
x = (x @ np.linalg.qr(rng.normal(size=(6, 6)))[0] + rng.normal(size=6)).round(9)
pca = PCA(n_components=2, svd_solver="full").fit(x)
out = {
    "input": x.tolist(),
    "coords": pca.transform(x).tolist(),
    "explainedVarianceRatio": pca.explained_variance_ratio_.tolist(),
}
path = pathlib.Path(__file__).resolve().parents[1] / "fixtures/latent/pca-reference.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print(f"wrote {path}: explained variance ratio {out['explainedVarianceRatio']}")
