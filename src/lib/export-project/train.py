#!/usr/bin/env python3
"""Train the cxr-studio ResNet-18 recipe with PyTorch, on one process or many (DDP).

Exported by cxr-studio next to config.json (every setting of the run), stats.json (the
training split's mean and std), index.csv and the ImageFolder PNGs. It rebuilds the studio's
model and recipe exactly: torchvision's ResNet-18 with a 1-channel stem, stage widths
max(1, round(w * m)) for w in 64, 128, 256, 512, one logit (two classes) or K logits,
BatchNorm eps 1e-5 / momentum 0.1, z-scored input x = v/255 * 1/std - mean/std, the same
augmentation (crop, rotation, zoom, shift with bilinear resampling and zero fill), BCE with
pos_weight (cross-entropy for K classes), torch Adam (L2 weight decay, eps 1e-8), the same
learning-rate schedule and early stopping. It writes model.safetensors with torchvision's
key names (the studio loads it) and history.json in the studio's per-epoch format.

One process:           python3 train.py
N GPUs on one node:    torchrun --standalone --nproc_per_node N train.py
SLURM:                 see README.md (srun + torchrun, one task per node)
"""
import argparse
import csv
import datetime
import json
import math
import os
import socket
import struct
import sys
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from PIL import Image
from torchvision.models.resnet import BasicBlock

STAGE_BASE_WIDTHS = (64, 128, 256, 512)
BN_EPS = 1e-5
BN_MOMENTUM = 0.1
ADAM_EPS = 1e-8
STEP_GAMMA = 0.1
STEP_MILESTONES = (0.5, 0.75)
HISTORY_FORMAT = "cxr-studio-history"


# ---------------------------------------------------------------- model


def stage_widths(width_multiplier):
    return [max(1, int(math.floor(w * width_multiplier + 0.5))) for w in STAGE_BASE_WIDTHS]


def num_outputs(classes):
    """One logit for two classes (sigmoid), K logits for K >= 3 (softmax): the studio's heads."""
    return 1 if len(classes) <= 2 else len(classes)


def build_model(width_multiplier, outputs):
    """torchvision's resnet18 with the studio's changes: 1-channel conv1, stage widths scaled by the width
    multiplier (x1 is torchvision's network), `outputs` logits. Padding is torchvision's: conv1 7x7 s2 p3,
    maxpool 3x3 s2 p1, 3x3 convs p1, 1x1 downsample convs p0; state_dict keys are torchvision's."""
    norm = lambda c: nn.BatchNorm2d(c, eps=BN_EPS, momentum=BN_MOMENTUM)
    model = torchvision.models.resnet18(weights=None, num_classes=outputs, norm_layer=norm)
    w = stage_widths(width_multiplier)
    model.conv1 = nn.Conv2d(1, w[0], kernel_size=7, stride=2, padding=3, bias=False)
    model.bn1 = norm(w[0])
    model.inplanes = w[0]
    model.layer1 = model._make_layer(BasicBlock, w[0], 2)
    model.layer2 = model._make_layer(BasicBlock, w[1], 2, stride=2)
    model.layer3 = model._make_layer(BasicBlock, w[2], 2, stride=2)
    model.layer4 = model._make_layer(BasicBlock, w[3], 2, stride=2)
    model.fc = nn.Linear(w[3], outputs)
    for m in model.modules():  # torchvision's init for the replaced modules
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
    return model


# ---------------------------------------------------------------- safetensors (no extra package needed)

_DTYPES = {"F32": (torch.float32, 4), "F64": (torch.float64, 8), "F16": (torch.float16, 2),
           "BF16": (torch.bfloat16, 2), "I64": (torch.int64, 8), "I32": (torch.int32, 4)}


def write_safetensors(path, state_dict):
    """The studio's layout: keys sorted, F32 floats, I64 counts, header padded with spaces to 8 bytes."""
    keys = sorted(state_dict)
    header, blobs, offset = {}, [], 0
    for key in keys:
        t = state_dict[key].detach().cpu().contiguous()
        t = t.to(torch.int64) if not t.is_floating_point() else t.to(torch.float32)
        raw = t.numpy().astype("<i8" if t.dtype == torch.int64 else "<f4").tobytes()
        header[key] = {"dtype": "I64" if t.dtype == torch.int64 else "F32", "shape": list(t.shape),
                       "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":"))
    text += " " * ((8 - len(text.encode()) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text.encode())))
        f.write(text.encode())
        for raw in blobs:
            f.write(raw)
    os.replace(tmp, path)


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode())
    body = data[8 + n:]
    out = {}
    for key, info in header.items():
        if key == "__metadata__":
            continue
        dtype, size = _DTYPES[info["dtype"]]
        begin, end = info["data_offsets"]
        flat = torch.frombuffer(bytearray(body[begin:end]), dtype=dtype) if end > begin else torch.zeros(0, dtype=dtype)
        out[key] = flat.reshape(info["shape"]).clone()
    return out


def load_weights(model, path):
    """Strict load of a studio (or train.py) safetensors file; counts stored as [1] are reshaped to []."""
    sd = read_safetensors(path)
    own = model.state_dict()
    fixed = {k: (v.reshape(own[k].shape).to(own[k].dtype) if k in own else v) for k, v in sd.items()}
    missing = [k for k in own if k not in fixed and not k.endswith("num_batches_tracked")]
    if missing:
        raise SystemExit(f"{path} lacks {', '.join(missing[:5])}")
    for k in own:
        fixed.setdefault(k, own[k])
    model.load_state_dict(fixed, strict=True)


# ---------------------------------------------------------------- data


def dicom_path(dicom_root, source_path):
    """source_path as the studio saw it (it may start with the imported folder's own name) under dicom_root."""
    direct = os.path.join(dicom_root, source_path)
    if os.path.exists(direct):
        return direct
    inside = os.path.join(dicom_root, *source_path.split("/")[1:])
    if os.path.exists(inside):
        return inside
    raise SystemExit(f"{source_path} is not under --dicom-root {dicom_root}")


def read_index(root, classes, dicom_root=None):
    """index.csv rows -> {split: [(file, label)]}: the exported PNGs, or with dicom_root the original DICOM files
    (source_path); unlabelled rows are left out, as the studio does."""
    splits = {"train": [], "val": [], "test": []}
    with open(os.path.join(root, "index.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["label"] not in classes or row["split"] not in splits:
                continue
            file = dicom_path(dicom_root, row["source_path"]) if dicom_root else os.path.join(root, row["path"])
            splits[row["split"]].append((file, classes.index(row["label"])))
    return splits


# ---------------------------------------------------------------- DICOM source (index.csv's source_path)


def _lut(item, signed_input):
    """(first mapped value, entries as float64, bits) of a LUT item, or None (the studio's readLut)."""
    desc = item.get("LUTDescriptor")
    data = item.get("LUTData")
    if desc is None or data is None:
        return None
    entries, first, bits = (list(desc) + [0, 0, 16])[:3]
    entries = entries or 65536
    if signed_input and first >= 0x8000:
        first -= 0x10000
    values = np.asarray(data, dtype=np.float64).ravel()
    if len(values) * 2 == entries and bits <= 8:  # 8-bit entries packed two per word
        values = np.frombuffer(np.asarray(data, dtype="<u2").tobytes(), dtype=np.uint8).astype(np.float64)
    return first, values[:entries], bits


def _look_up(lut, x):
    first, values, _ = lut
    index = np.clip(np.floor(x + 0.5).astype(np.int64) - first, 0, len(values) - 1)
    return values[index]


def _window(x, center, width, fn):
    """DICOM PS3.3 C.11.2.1.2 window functions (the studio's windowValue)."""
    if fn == "SIGMOID":
        return 1 / (1 + np.exp(-4 * (x - center) / width))
    c, w = (center - 0.5, width - 1) if fn == "LINEAR" else (center, width)
    if w == 0:
        return np.where(x <= c - w / 2, 0.0, 1.0)
    return np.where(x <= c - w / 2, 0.0, np.where(x > c + w / 2, 1.0, (x - c) / w + 0.5))


def _first(value):
    return float(value[0]) if isinstance(value, (list, tuple)) or hasattr(value, "__len__") and not isinstance(value, str) else float(value)


def dicom_display_values(path):
    """The studio's pixel pipeline (src/lib/dicom/render.ts) on pydicom's decoding: stored values -> Modality
    (rescale or LUT) -> VOI (VOI LUT, else the first window, else min-max) -> MONOCHROME1 inversion; [0, 1]."""
    import pydicom
    ds = pydicom.dcmread(path)
    arr = ds.pixel_array
    if int(ds.get("NumberOfFrames", 1) or 1) > 1:
        arr = arr[0]
    photometric = str(ds.PhotometricInterpretation).strip()
    bits = int(ds.BitsStored)
    if photometric not in ("MONOCHROME1", "MONOCHROME2"):
        if photometric.startswith("YBR"):
            arr = pydicom.pixel_data_handlers.util.convert_color_space(arr, photometric, "RGB")
        a = arr.astype(np.float64)
        grey = 0.299 * a[..., 0] + 0.587 * a[..., 1] + 0.114 * a[..., 2] if a.ndim == 3 else a
        return np.clip(grey / (2 ** bits - 1), 0, 1)
    signed = int(ds.PixelRepresentation) == 1
    v = arr.astype(np.float64) if signed else (arr.astype(np.int64) & ((1 << bits) - 1)).astype(np.float64)
    modality_seq = ds.get("ModalityLUTSequence")
    lut = _lut(modality_seq[0], signed) if modality_seq else None
    if lut is not None:
        v = _look_up(lut, v)
        modality_signed = False
    else:
        slope, intercept = float(ds.get("RescaleSlope", 1) or 1), float(ds.get("RescaleIntercept", 0) or 0)
        v = v * slope + intercept
        modality_signed = signed or intercept < 0 or slope < 0
    voi_seq = ds.get("VOILUTSequence")
    voi_lut = _lut(voi_seq[0], modality_signed) if voi_seq else None
    if voi_lut is not None:
        v = np.clip(_look_up(voi_lut, v) / (2 ** voi_lut[2] - 1), 0, 1)
    elif ds.get("WindowCenter") is not None and ds.get("WindowWidth") is not None and str(ds.WindowCenter).strip() != "":
        fn = str(ds.get("VOILUTFunction", "LINEAR") or "LINEAR").strip().upper()
        v = _window(v, _first(ds.WindowCenter), _first(ds.WindowWidth), fn if fn in ("LINEAR", "LINEAR_EXACT", "SIGMOID") else "LINEAR")
    else:
        lo, hi = v.min(), v.max()
        v = (v - lo) / (hi - lo) if hi > lo else np.zeros_like(v)
    return 1 - v if photometric == "MONOCHROME1" else v


def _area_weights(src, dst):
    """[dst, src] area-averaging weights (the studio's resize.ts contributions: each row sums to 1)."""
    scale = src / dst
    w = np.zeros((dst, src))
    for d in range(dst):
        lo, hi = d * scale, min(src, (d + 1) * scale)
        start, end = int(math.floor(lo)), min(src, int(math.ceil(hi - 1e-9)))
        for s_ in range(start, start + max(1, end - start)):
            w[d, s_] = max(0.0, min(hi, s_ + 1) - max(lo, s_)) / (hi - lo)
    return w


def render_dicom(path, size):
    """A DICOM file -> the studio's stored size x size 8-bit pixels (stretch fit, area resize, round(v * 255))."""
    v = dicom_display_values(path)
    h, w = v.shape
    if (h, w) != (size, size):
        v = _area_weights(h, size) @ v @ _area_weights(w, size).T
    return np.floor(np.clip(v, 0, 1) * 255 + 0.5).astype(np.uint8)


class StoredImages(torch.utils.data.Dataset):
    """The stored 8-bit S x S pixels -> z-scored [1, S, S] float32 (the studio's toInputTensor)."""

    def __init__(self, items, size, mean, std, dicom=False):
        self.items, self.size, self.dicom = items, size, dicom
        self.scale = np.float32(1.0 / (255.0 * std))
        self.offset = np.float32(mean / std)

    def __len__(self):
        return len(self.items)

    def pixels(self, i):
        if self.dicom:
            return render_dicom(self.items[i][0], self.size)
        with Image.open(self.items[i][0]) as im:
            a = np.asarray(im.convert("L"), dtype=np.uint8)
        if a.shape != (self.size, self.size):
            raise SystemExit(f"{self.items[i][0]} is {a.shape[1]}x{a.shape[0]}, expected {self.size}x{self.size}")
        return a

    def __getitem__(self, i):
        x = self.pixels(i).astype(np.float32) * self.scale - self.offset
        return torch.from_numpy(x[None]), self.items[i][1]


class EpochView(torch.utils.data.Dataset):
    """The examples one epoch trains on: all of them, or with 'oversample' every class drawn again (with
    replacement) until as frequent as the largest. Same on every rank (seeded by seed and epoch)."""

    def __init__(self, base, oversample, seed):
        self.base, self.oversample, self.seed = base, oversample, seed
        self.indices = list(range(len(base)))
        self.set_epoch(1)

    def set_epoch(self, epoch):
        if not self.oversample:
            return
        g = torch.Generator().manual_seed(self.seed * 1000003 + epoch)
        by_class = {}
        for i, (_, label) in enumerate(self.base.items):
            by_class.setdefault(label, []).append(i)
        largest = max(len(v) for v in by_class.values())
        self.indices = []
        for group in by_class.values():
            self.indices += group
            extra = torch.randint(len(group), (largest - len(group),), generator=g).tolist()
            self.indices += [group[k] for k in extra]

    def __len__(self):
        return len(self.indices)

    def __getitem__(self, i):
        return self.base[self.indices[i]]


class FoldedBatches(torch.utils.data.Sampler):
    """Batches of this rank's share; a last batch of one image joins the one before (BatchNorm in training
    mode needs more than one value per channel; the studio's trainingBatches)."""

    def __init__(self, sampler, batch_size):
        self.sampler, self.batch_size = sampler, batch_size

    def batches(self):
        order = list(self.sampler)
        out = [order[i:i + self.batch_size] for i in range(0, len(order), self.batch_size)]
        if len(out) >= 2 and len(out[-1]) == 1:
            out[-2] += out.pop()
        return out

    def __iter__(self):
        return iter(self.batches())

    def __len__(self):
        n = len(self.sampler)
        full, rest = divmod(n, self.batch_size)
        return full + (1 if rest > 1 or (rest == 1 and full == 0) else 0)


def auto_pos_weight(labels):
    pos = sum(1 for y in labels if y == 1)
    neg = len(labels) - pos
    return neg / pos if pos > 0 and neg > 0 else 1.0


# ---------------------------------------------------------------- augmentation


def augment_batch(x, aug, generator):
    """The studio's augment.ts on a z-scored [N,1,S,S] batch: per image a square crop of area fraction
    U(cropAreaMin, cropAreaMax) at a random offset inside the image, then rotation U(-r, r) degrees
    (counter-clockwise as displayed), zoom U(scaleMin, scaleMax) and shift U(-t, t)*S per axis about the
    centre; one bilinear resampling through the inverse map, zero (the mean grey) outside the image."""
    n, _, s, _ = x.shape
    u = lambda lo, hi: lo + (hi - lo) * torch.rand(n, generator=generator, dtype=torch.float64)
    angle = u(-aug["rotationDeg"], aug["rotationDeg"])
    tx = u(-1, 1) * aug["translateFrac"] * s
    ty = u(-1, 1) * aug["translateFrac"] * s
    scale = u(aug["scaleMin"], aug["scaleMax"])
    area = u(aug["cropAreaMin"], aug["cropAreaMax"])
    slack = (s - area.sqrt() * s) / 2
    ox = (torch.rand(n, generator=generator, dtype=torch.float64) * 2 - 1) * slack
    oy = (torch.rand(n, generator=generator, dtype=torch.float64) * 2 - 1) * slack
    return warp(x, inverse_affine(angle, scale, tx, ty, area, ox, oy, s))


def inverse_affine(angle_deg, scale, tx, ty, area, ox, oy, s):
    """[N, 6] maps output pixel (x, y) -> source pixel: sx = a x + b y + c, sy = d x + e y + f (pixel indices)."""
    theta = angle_deg * math.pi / 180
    k = area.sqrt() / scale
    a, b, d, e = k * theta.cos(), -k * theta.sin(), k * theta.sin(), k * theta.cos()
    ce = (s - 1) / 2
    cx, cy = ce + tx, ce + ty
    return torch.stack([a, b, ce + ox - (a * cx + b * cy), d, e, ce + oy - (d * cx + e * cy)], 1)


def warp(x, maps):
    """Bilinear resampling at pixel-index coordinates, zero outside (grid_sample, align_corners=True)."""
    n, _, h, w = x.shape
    ys, xs = torch.meshgrid(torch.arange(h, dtype=torch.float64), torch.arange(w, dtype=torch.float64), indexing="ij")
    m = maps.to(torch.float64)[:, :, None, None]
    sx = m[:, 0] * xs + m[:, 1] * ys + m[:, 2]
    sy = m[:, 3] * xs + m[:, 4] * ys + m[:, 5]
    grid = torch.stack([2 * sx / (w - 1) - 1, 2 * sy / (h - 1) - 1], -1).to(x.dtype).to(x.device)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=True)


# ---------------------------------------------------------------- recipe


def learning_rate_at(schedule, base_lr, epochs, steps_per_epoch, epoch, step):
    """The studio's schedule.ts: 'none', per-step 'cosine' to 0, or 'step' (x0.1 after 50 % and 75 % of epochs)."""
    if schedule == "cosine":
        t = (epoch - 1) * steps_per_epoch + step
        total = epochs * steps_per_epoch
        return base_lr * 0.5 * (1 + math.cos(math.pi * min(t, total) / total))
    if schedule == "step":
        reached = sum(1 for f in STEP_MILESTONES if epoch > max(1, math.floor(f * epochs)))
        return base_lr * STEP_GAMMA ** reached
    return base_lr


def loss_fn(logits, y, outputs, pos_weight):
    if outputs == 1:
        return F.binary_cross_entropy_with_logits(logits, y.to(logits.dtype).reshape(logits.shape),
                                                  pos_weight=torch.tensor([pos_weight], dtype=logits.dtype, device=logits.device))
    return F.cross_entropy(logits, y.long())


def roc_auc(labels, scores):
    """Trapezoid ROC AUC with ties as one point (sklearn's roc_auc_score); NaN with one class absent."""
    labels = np.asarray(labels, dtype=np.float64)
    scores = np.asarray(scores, dtype=np.float64)
    pos, neg = labels.sum(), len(labels) - labels.sum()
    if pos == 0 or neg == 0:
        return float("nan")
    order = np.argsort(-scores, kind="mergesort")
    s, y = scores[order], labels[order]
    last = np.r_[np.nonzero(np.diff(s))[0], len(s) - 1]
    tpr = np.r_[0, np.cumsum(y)[last] / pos]
    fpr = np.r_[0, np.cumsum(1 - y)[last] / neg]
    return float(np.sum((fpr[1:] - fpr[:-1]) * (tpr[1:] + tpr[:-1]) / 2))


def ratio(a, b):
    return a / b if b else 0.0


def headline(labels, logits, pos_weight):
    """Validation loss, accuracy, ROC AUC and F1 as the studio's summarise() (threshold 0.5; macro for K classes)."""
    labels = np.asarray(labels)
    z = np.asarray(logits, dtype=np.float64)
    if len(labels) == 0:
        return dict(loss=float("nan"), accuracy=float("nan"), auc=float("nan"), f1=float("nan"))
    if z.shape[1] == 1:
        z = z[:, 0]
        p = 1 / (1 + np.exp(-z))
        softplus = np.logaddexp(0, -z)
        loss = float(np.mean((1 - labels) * z + (1 + (pos_weight - 1) * labels) * softplus))
        pred = p >= 0.5
        tp = int(np.sum(pred & (labels == 1))); fp = int(np.sum(pred & (labels == 0))); fn = int(np.sum(~pred & (labels == 1)))
        return dict(loss=loss, accuracy=float(np.mean(pred == (labels == 1))), auc=roc_auc(labels == 1, p), f1=ratio(2 * tp, 2 * tp + fp + fn))
    q = np.exp(z - z.max(1, keepdims=True))
    q /= q.sum(1, keepdims=True)
    loss = float(-np.mean(np.log(np.maximum(q[np.arange(len(labels)), labels], 1e-12))))
    pred = q.argmax(1)
    f1s, aucs = [], []
    for k in range(z.shape[1]):
        tp = int(np.sum((pred == k) & (labels == k)))
        f1s.append(ratio(2 * tp, int(np.sum(pred == k)) + int(np.sum(labels == k))))
        aucs.append(roc_auc(labels == k, q[:, k]))
    return dict(loss=loss, accuracy=float(np.mean(pred == labels)), auc=float(np.mean(aucs)), f1=float(np.mean(f1s)))


def monitor_value(record, monitor):
    return {"auc": record["valAuc"], "f1": record["valF1"], "loss": record["valLoss"]}[monitor]


def is_better(monitor, value, best):
    if value != value:
        return False
    if best != best:
        return True
    return value < best if monitor == "loss" else value > best


# ---------------------------------------------------------------- the run


def parse_args(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(
        description="Train the cxr-studio ResNet-18 recipe (config.json) on the exported images, on one process "
                    "or with DDP under torchrun / SLURM. Every option below overrides config.json; unset options keep it.",
        epilog="Writes <out>/model.safetensors (the studio's key names), <out>/history.json (per-epoch metrics in the "
               "studio's format) and <out>/checkpoint.pt (rank 0, after every epoch).")
    p.add_argument("--config", default=os.path.join(here, "config.json"), help="the run's settings as the studio exported them (default: config.json beside train.py)")
    p.add_argument("--data", default=here, help="folder with index.csv and the PNGs; index.csv paths are relative to it (default: the folder of train.py)")
    p.add_argument("--dicom-root", help="the DICOM folder that was imported: required when config.json's data.source is 'dicom' "
                   "(index.csv's source_path is read from there through pydicom with the studio's pixel pipeline)")
    p.add_argument("--out", default=os.path.join(here, "runs", "latest"), help="folder for model.safetensors, history.json and checkpoint.pt (default: runs/latest beside train.py)")
    p.add_argument("--epochs", type=int, help="epochs to train (config: epochs)")
    p.add_argument("--batch", type=int, help="images per optimizer step over ALL processes (config: batchSize); each process takes batch / world size")
    p.add_argument("--batch-per-process", type=int, help="images per process and step instead (global batch = this x world size)")
    p.add_argument("--lr", type=float, help="Adam learning rate (config: lr)")
    p.add_argument("--weight-decay", type=float, help="Adam L2 weight decay, not decoupled (config: weightDecay)")
    p.add_argument("--imbalance", choices=["pos-weight", "oversample", "none"], help="class imbalance: weighted BCE, drawing the minority again, or nothing (config: imbalance)")
    p.add_argument("--pos-weight", help="BCE pos_weight, a number or 'auto' = negatives / positives of the training split (config: posWeight)")
    p.add_argument("--schedule", choices=["none", "cosine", "step"], help="learning-rate schedule (config: schedule)")
    p.add_argument("--patience", type=int, help="epochs without improvement before stopping early, 0 = never (config: patience)")
    p.add_argument("--monitor", choices=["auc", "f1", "loss"], help="validation metric for early stopping and the best epoch (config: monitor)")
    p.add_argument("--augment", choices=["on", "off"], help="random crop / rotation / zoom / shift (config: augment.enabled)")
    p.add_argument("--seed", type=int, help="seed of the data order, augmentation and initialisation (config: seed)")
    p.add_argument("--weights", help="start from these weights (a studio or train.py model.safetensors) instead of a fresh init")
    p.add_argument("--resume", action="store_true", help="continue from <out>/checkpoint.pt (weights, Adam state, history)")
    p.add_argument("--amp", action="store_true", help="mixed precision: float16 autocast + GradScaler on CUDA, bfloat16 autocast on CPU")
    p.add_argument("--sync-bn", action="store_true", help="BatchNorm statistics over all processes' images (SyncBatchNorm, GPU only)")
    p.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto", help="where to train (default: auto = cuda when available, else cpu)")
    p.add_argument("--workers", type=int, default=2, help="DataLoader worker processes per training process (default: 2)")
    p.add_argument("--one-step-out", help="take ONE optimizer step on the first training batch in index.csv order "
                   "(no shuffle), write the weights there (safetensors) and exit: the studio's parity check")
    return p.parse_args(argv)


def resolve_config(args):
    with open(args.config, encoding="utf-8") as f:
        cfg = json.load(f)
    t = cfg["train"]
    for name, key in [("epochs", "epochs"), ("batch", "batchSize"), ("lr", "lr"), ("weight_decay", "weightDecay"),
                      ("schedule", "schedule"), ("patience", "patience"), ("monitor", "monitor"), ("seed", "seed"),
                      ("imbalance", "imbalance")]:
        if getattr(args, name) is not None:
            t[key] = getattr(args, name)
    if args.augment is not None:
        t["augment"]["enabled"] = args.augment == "on"
    if args.pos_weight is not None:
        t["posWeight"] = "auto" if args.pos_weight == "auto" else float(args.pos_weight)
    return cfg


def setup_distributed(args):
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local = int(os.environ.get("LOCAL_RANK", "0"))
    use_cuda = args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available())
    device = torch.device(f"cuda:{local}" if use_cuda else "cpu")
    if use_cuda:
        torch.cuda.set_device(device)
    if world > 1:
        dist.init_process_group("nccl" if use_cuda else "gloo", timeout=datetime.timedelta(minutes=30))
    return world, rank, device


def log(rank, *parts):
    if rank == 0:
        print(*parts, flush=True)


def record_json(value):
    """JSON without NaN/Infinity (null instead), as the studio writes it."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: record_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [record_json(v) for v in value]
    return value


def one_step(args, cfg, model, data, outputs, pos_weight, device):
    t = cfg["train"]
    items = data["train"][: t["batchSize"]]
    ds = StoredImages(items, t["imageSize"], cfg["data"]["mean"], cfg["data"]["std"], dicom=args.dicom_root is not None)
    x = torch.stack([ds[i][0] for i in range(len(ds))]).to(device)
    y = torch.tensor([ds[i][1] for i in range(len(ds))], device=device)
    if t["augment"]["enabled"]:
        x = augment_batch(x, t["augment"], torch.Generator().manual_seed(t["seed"]))
    opt = make_optimizer(model, t)
    for group in opt.param_groups:
        group["lr"] = learning_rate_at(t.get("schedule") or "none", t["lr"], t["epochs"], 1, 1, 0)
    model.train()
    loss = loss_fn(model(x), y, outputs, pos_weight)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    write_safetensors(args.one_step_out, model.state_dict())
    print(json.dumps({"loss": loss.item(), "posWeight": pos_weight, "images": len(items)}))


def make_optimizer(model, t):
    return torch.optim.Adam(model.parameters(), lr=t["lr"], betas=(t["beta1"], t["beta2"]), eps=ADAM_EPS, weight_decay=t["weightDecay"])


def main(argv=None):
    args = parse_args(argv)
    cfg = resolve_config(args)
    t = cfg["train"]
    classes = cfg["data"]["classes"]
    outputs = num_outputs(classes)
    world, rank, device = setup_distributed(args)
    torch.manual_seed(t["seed"])
    if cfg["data"].get("source", "png") == "dicom" and not args.dicom_root:
        raise SystemExit("this project reads the original DICOM files: give --dicom-root <the folder that was imported>")
    data = read_index(args.data, classes, args.dicom_root)
    if not data["train"]:
        raise SystemExit("the training split is empty")
    train_labels = [y for _, y in data["train"]]
    pos_weight = 1.0
    if outputs == 1 and t["imbalance"] == "pos-weight":
        pos_weight = auto_pos_weight(train_labels) if t["posWeight"] == "auto" else float(t["posWeight"])
    model = build_model(t["widthMultiplier"], outputs)
    if args.weights:
        load_weights(model, args.weights)
    model.to(device)
    if args.one_step_out:
        return one_step(args, cfg, model, data, outputs, pos_weight, device)

    os.makedirs(args.out, exist_ok=True)
    if args.sync_bn and device.type == "cuda":
        model = nn.SyncBatchNorm.convert_sync_batchnorm(model)
    opt = make_optimizer(model, t)
    history, start_epoch, best = [], 1, {"value": float("nan"), "epoch": None, "state": None}
    ckpt_path = os.path.join(args.out, "checkpoint.pt")
    if args.resume and os.path.exists(ckpt_path):
        ckpt = torch.load(ckpt_path, map_location=device)
        model.load_state_dict(ckpt["model"])
        opt.load_state_dict(ckpt["optimizer"])
        history, best = ckpt["history"], ckpt["best"]
        start_epoch = len(history) + 1
        # a run that stopped early is finished: resuming it writes its best epoch again instead of training on
        if ckpt.get("stoppedEarly"):
            start_epoch = t["epochs"] + 1
            log(rank, f"this run stopped early after epoch {len(history)}: nothing to resume (best epoch {best['epoch']})")
        else:
            log(rank, f"resuming after epoch {len(history)}")
    net = nn.parallel.DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None) if world > 1 else model

    size, mean, std = t["imageSize"], cfg["data"]["mean"], cfg["data"]["std"]
    dicom = args.dicom_root is not None
    train_set = EpochView(StoredImages(data["train"], size, mean, std, dicom), t["imbalance"] == "oversample", t["seed"])
    sampler = torch.utils.data.distributed.DistributedSampler(train_set, num_replicas=world, rank=rank, shuffle=True, seed=t["seed"])
    per_process = args.batch_per_process or max(1, math.ceil(t["batchSize"] / world))
    batches = FoldedBatches(sampler, per_process)
    loader = torch.utils.data.DataLoader(train_set, batch_sampler=batches, num_workers=args.workers,
                                         pin_memory=device.type == "cuda", persistent_workers=args.workers > 0)
    val_set = StoredImages(data["val"], size, mean, std, dicom)
    val_loader = torch.utils.data.DataLoader(val_set, batch_size=t["batchSize"], num_workers=args.workers)
    amp_dtype = torch.float16 if device.type == "cuda" else torch.bfloat16
    scaler = torch.cuda.amp.GradScaler(enabled=args.amp and device.type == "cuda")
    log(rank, f"{len(data['train'])} training / {len(data['val'])} validation images, {size} px, width x{t['widthMultiplier']}, "
              f"{outputs} output(s), pos_weight {pos_weight:.4g}, {world} process(es) on {device.type}, {per_process} images per process and step")

    stopped_early = bool(args.resume and os.path.exists(ckpt_path) and ckpt.get("stoppedEarly"))
    for epoch in range(start_epoch, t["epochs"] + 1):
        t0 = time.time()
        train_set.set_epoch(epoch)
        sampler.set_epoch(epoch)
        steps = len(batches)
        net.train()
        step_losses = []
        for step, (x, y) in enumerate(loader):
            x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
            if t["augment"]["enabled"]:
                g = torch.Generator().manual_seed(t["seed"] * 7919 + epoch * 131071 + step * 64 + rank)
                x = augment_batch(x, t["augment"], g)
            lr = learning_rate_at(t.get("schedule") or "none", t["lr"], t["epochs"], steps, epoch, step)
            for group in opt.param_groups:
                group["lr"] = lr
            with torch.autocast(device.type, dtype=amp_dtype, enabled=args.amp):
                loss = loss_fn(net(x), y, outputs, pos_weight)
            opt.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
            step_losses.append(loss.detach().float())
        losses = torch.stack(step_losses).to(device)
        if world > 1:
            dist.all_reduce(losses)
            losses /= world
        losses = losses.cpu().tolist()
        if not all(math.isfinite(v) for v in losses):
            raise SystemExit(f"Training diverged at epoch {epoch} (loss {losses}). Lower the learning rate.")

        stop = torch.zeros(1, device=device)
        if rank == 0:
            model.eval()
            logits = []
            with torch.no_grad():
                for x, _ in val_loader:
                    logits.append(model(x.to(device)).float().cpu())
            z = torch.cat(logits).numpy() if logits else np.zeros((0, outputs))
            m = headline([yy for _, yy in data["val"]], z, pos_weight)
            seconds = time.time() - t0
            record = {"epoch": epoch, "trainLoss": float(np.mean(losses)), "valLoss": m["loss"], "valAccuracy": m["accuracy"],
                      "valAuc": m["auc"], "valF1": m["f1"], "seconds": seconds, "imagesPerSecond": len(train_set) / seconds,
                      "numTensors": 0, "microBatches": 1, "stepLosses": losses}
            history.append(record)
            value = monitor_value(record, t["monitor"])
            if is_better(t["monitor"], value, best["value"]):
                best = {"value": value, "epoch": epoch, "state": {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}}
            since = epoch - best["epoch"] if best["epoch"] is not None else len(history)
            torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "history": history, "best": best}, ckpt_path + ".tmp")
            os.replace(ckpt_path + ".tmp", ckpt_path)
            log(rank, f"epoch {epoch}/{t['epochs']}: train loss {record['trainLoss']:.4f}, val loss {m['loss']:.4f}, "
                      f"AUC {m['auc']:.4f}, F1 {m['f1']:.4f}, accuracy {m['accuracy']:.4f} ({seconds:.1f} s)")
            if t["patience"] > 0 and since >= t["patience"] and epoch < t["epochs"]:
                stop[0] = 1
        if world > 1:
            dist.broadcast(stop, 0)
        if stop.item() > 0:
            stopped_early = True
            if rank == 0:
                torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "history": history, "best": best, "stoppedEarly": True}, ckpt_path + ".tmp")
                os.replace(ckpt_path + ".tmp", ckpt_path)
            log(rank, f"stopping early: no better {t['monitor']} for {t['patience']} epochs (best epoch {best['epoch']})")
            break

    if rank == 0:
        final = model.state_dict()
        if stopped_early and best["epoch"] is not None and best["epoch"] != len(history):
            final = best["state"]
        write_safetensors(os.path.join(args.out, "model.safetensors"), final)
        summary = {"format": HISTORY_FORMAT, "version": 1, "trainedWith": "train.py",
                   "trainedOn": {"host": socket.gethostname(), "device": device.type, "processes": world,
                                 "torch": torch.__version__, "torchvision": torchvision.__version__, "amp": bool(args.amp)},
                   "config": cfg, "posWeight": pos_weight, "stoppedEarly": stopped_early, "bestEpoch": best["epoch"],
                   "epochs": history}
        with open(os.path.join(args.out, "history.json"), "w", encoding="utf-8") as f:
            json.dump(record_json(summary), f, indent=1)
        log(rank, f"wrote {os.path.join(args.out, 'model.safetensors')} and history.json")
    if world > 1:
        dist.barrier()
        dist.destroy_process_group()


if __name__ == "__main__":
    sys.exit(main())
