#!/usr/bin/python3
"""
Layer-3 Grad-CAM / Grad-CAM++ reference for the ResNet-18 oracle (tests/unit/cam/oracle-layer3.test.ts).

Usage: /usr/bin/python3 tests/scripts/oracle-layer3.py [ORACLE_DIR] > out.json
ORACLE_DIR defaults to ../shared/data/resnet18-oracle beside the repository. Needs torch + torchvision
(Debian's python3-torch / python3-torchvision); no network, no pip.

Same model and conventions as expected.json's layer-4 entries: the ImageNet checkpoint adapted to one grey
channel (conv1 = sum over RGB) and one logit (fc = ImageNet row 0), eval mode, image 0 of inputs.f32
(N x 1 x S x S float32, already z-scored), class 0. Maps are raw: relu(sum_k alpha_k * A_k) at the
layer's own resolution, neither normalised nor upsampled. alpha_k: Grad-CAM the spatial mean of
d logit / dA_k; Grad-CAM++ the closed form of src/lib/cam/cam.ts (pytorch-grad-cam's, eps 1e-7).
The layer-4 Grad-CAM is recomputed too and its largest deviation from expected.json is reported, which
checks that this script reproduces the conventions the original reference was made with.
"""
import json
import os
import sys

import numpy as np
import torch
import torchvision


def load_model(oracle_dir):
    sd = torch.load(os.path.join(oracle_dir, 'resnet18-imagenet-layout.pth'), map_location='cpu')
    sd['conv1.weight'] = sd['conv1.weight'].sum(dim=1, keepdim=True)
    sd['fc.weight'] = sd['fc.weight'][:1].clone()
    sd['fc.bias'] = sd['fc.bias'][:1].clone()
    model = torchvision.models.resnet18(num_classes=1)
    model.conv1 = torch.nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3, bias=False)
    model.load_state_dict(sd)
    return model.eval()


def load_image0(oracle_dir, n):
    raw = np.fromfile(os.path.join(oracle_dir, 'inputs.f32'), dtype='<f4')
    size = int(round((raw.size / n) ** 0.5))
    return torch.from_numpy(raw.reshape(n, 1, size, size)[:1].copy())


def activations_and_gradients(model, x, layer_name):
    """A of the named stage (1 x C x h x w) and d logit_0 / dA, through the rest of the network."""
    store = {}

    def keep(_module, _inputs, output):
        output.retain_grad()
        store['A'] = output

    handle = getattr(model, layer_name).register_forward_hook(keep)
    try:
        logit = model(x)[:, 0].sum()
        logit.backward()
    finally:
        handle.remove()
    return store['A'].detach(), store['A'].grad.detach()


def grad_cam(a, g):
    alpha = g.mean(dim=(2, 3), keepdim=True)
    return torch.relu((alpha * a).sum(dim=1))[0]


def grad_cam_plus_plus(a, g):
    g2 = g * g
    g3 = g2 * g
    sum_a = a.sum(dim=(2, 3), keepdim=True)
    aij = torch.where(g != 0, g2 / (2 * g2 + sum_a * g3 + 1e-7), torch.zeros_like(g))
    alpha = (aij * torch.relu(g)).sum(dim=(2, 3), keepdim=True)
    return torch.relu((alpha * a).sum(dim=1))[0]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_dir = os.path.join(here, '..', '..', '..', 'shared', 'data', 'resnet18-oracle')
    oracle_dir = sys.argv[1] if len(sys.argv) > 1 else default_dir
    with open(os.path.join(oracle_dir, 'expected.json')) as f:
        expected = json.load(f)
    torch.manual_seed(expected['seed'])
    model = load_model(oracle_dir)
    x = load_image0(oracle_dir, len(expected['eval_logits']))

    a3, g3 = activations_and_gradients(model, x, 'layer3')
    a4, g4 = activations_and_gradients(model, x, 'layer4')
    layer4 = grad_cam(a4, g4)
    reference4 = torch.tensor(expected['gradcam_7x7_relu'])
    out = {
        'torch': torch.__version__,
        'torchvision': torchvision.__version__,
        'input_size': x.shape[-1],
        'gradcam_layer3_relu': grad_cam(a3, g3).tolist(),
        'gradcampp_layer3_relu': grad_cam_plus_plus(a3, g3).tolist(),
        'layer4_gradcam_max_rel_vs_expected': float(((layer4 - reference4).abs() / reference4.abs()).max()),
    }
    json.dump(out, sys.stdout)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
