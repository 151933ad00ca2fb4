"""Eval-mode logits of an exported project's model (its own train.py) from a safetensors file.

usage: project-logits.py <project dir> <model.safetensors> <png path relative to the project> ...
prints {"torch": version, "logits": [[...], ...]} in the order of the paths given.
"""
import json
import os
import sys

project, weights, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
sys.path.insert(0, project)
import torch  # noqa: E402
import train  # noqa: E402  (the exported train.py)

with open(os.path.join(project, "config.json"), encoding="utf-8") as f:
    cfg = json.load(f)
model = train.build_model(cfg["train"]["widthMultiplier"], train.num_outputs(cfg["data"]["classes"]))
train.load_weights(model, weights)
model.eval()
images = train.StoredImages([(os.path.join(project, p), 0) for p in paths], cfg["data"]["imageSize"], cfg["data"]["mean"], cfg["data"]["std"])
x = torch.stack([images[i][0] for i in range(len(images))])
with torch.no_grad():
    logits = model(x)
print(json.dumps({"torch": torch.__version__, "logits": logits.tolist()}))
