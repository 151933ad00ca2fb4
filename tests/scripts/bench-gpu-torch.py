#!/usr/bin/env python3
"""PyTorch twin of `npm run bench:gpu`: torchvision's ResNet-18 with a 1-channel conv1 and one logit,
BCEWithLogitsLoss, Adam(lr=1e-4), one training step timed at the same size and batch.

On CUDA: fp32 with TF32 off (torch.backends.cuda.matmul.allow_tf32 = cudnn.allow_tf32 = False), then with both
on; on the CPU: fp32 alone. Each row: warm-up steps, then the median of --steps timed steps, with
torch.cuda.synchronize() before and after each. Prints a table and writes JSON (--out).

Usage: python3 tests/scripts/bench-gpu-torch.py [--size 224] [--batch 8] [--steps 10] [--warmup 3]
       [--width 1] [--threads N] [--out bench-gpu-torch.json]
  --width scales every stage's channels like the studio's width multiplier (1 = torchvision's ResNet-18 as is).
Here (no GPU) use Debian's /usr/bin/python3, which has python3-torch and python3-torchvision.
"""
import argparse
import json
import platform
import statistics
import sys
import time

import torch
import torch.nn as nn
import torchvision


def resnet18_1ch(width: float) -> nn.Module:
    """torchvision.models.resnet18 (random init), conv1 1 input channel, fc 1 logit; width != 1 scales the
    stage widths 64/128/256/512 as src/lib/model/architecture.ts does (max(1, round(w·c)))."""
    scaled = lambda c: max(1, round(c * width))
    if width == 1:
        model = torchvision.models.resnet18(weights=None)
    else:

        class Scaled(torchvision.models.ResNet):
            def _make_layer(self, block, planes, blocks, stride=1, dilate=False):
                if planes == 64:  # layer1: the stem's output width, before the first block is built
                    self.inplanes = scaled(64)
                return super()._make_layer(block, scaled(planes), blocks, stride, dilate)

        model = Scaled(torchvision.models.resnet.BasicBlock, [2, 2, 2, 2])
    model.conv1 = nn.Conv2d(1, scaled(64), kernel_size=7, stride=2, padding=3, bias=False)
    model.bn1 = nn.BatchNorm2d(scaled(64))
    model.fc = nn.Linear(scaled(512), 1)
    return model


def time_steps(device: torch.device, size: int, batch: int, width: float, warmup: int, steps: int) -> dict:
    torch.manual_seed(0)
    model = resnet18_1ch(width).to(device).train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)
    loss_fn = nn.BCEWithLogitsLoss()
    x = torch.randn(batch, 1, size, size, device=device)
    y = (torch.arange(batch, device=device) % 2).float().unsqueeze(1)
    cuda = device.type == 'cuda'

    def step() -> float:
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()  # a read-back, as the tfjs step ends with await loss.data()

    t0 = time.perf_counter()
    for _ in range(warmup):
        step()
    if cuda:
        torch.cuda.synchronize()
    warmup_ms = (time.perf_counter() - t0) * 1000
    ms = []
    loss = float('nan')
    for _ in range(steps):
        if cuda:
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        loss = step()
        if cuda:
            torch.cuda.synchronize()
        ms.append((time.perf_counter() - t0) * 1000)
    med = statistics.median(ms)
    return {'warmupMs': warmup_ms, 'stepMs': ms, 'medianMs': med, 'imagesPerSecond': 1000 * batch / med, 'loss': loss}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--size', type=int, default=224)
    p.add_argument('--batch', type=int, default=8)
    p.add_argument('--steps', type=int, default=10)
    p.add_argument('--warmup', type=int, default=3)
    p.add_argument('--width', type=float, default=1.0)
    p.add_argument('--threads', type=int, default=0, help="torch.set_num_threads on the CPU (0: torch's default; on a busy 2-core machine 2 threads can be 20x slower than 1)")
    p.add_argument('--out', default='bench-gpu-torch.json')
    a = p.parse_args()

    cuda = torch.cuda.is_available()
    device = torch.device('cuda' if cuda else 'cpu')
    if not cuda and a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.backends.cudnn.benchmark = True
    name = torch.cuda.get_device_name(0) if cuda else f'CPU ({platform.processor() or platform.machine()}, {torch.get_num_threads()} threads)'
    print(f'torch {torch.__version__}, torchvision {torchvision.__version__}, python {platform.python_version()}; device: {name}', flush=True)
    print(f'ResNet-18 x{a.width:g} (1-channel conv1, 1 logit) at {a.size} px, batch {a.batch}, BCEWithLogits + Adam 1e-4; '
          f'{a.warmup} warm-up steps then the median of {a.steps}', flush=True)

    modes = [('fp32', False), ('tf32', True)] if cuda else [('fp32', False)]
    rows = []
    for label, tf32 in modes:
        torch.backends.cuda.matmul.allow_tf32 = tf32
        torch.backends.cudnn.allow_tf32 = tf32
        r = time_steps(device, a.size, a.batch, a.width, a.warmup, a.steps)
        r = {'precision': label, 'tf32': tf32, **r}
        rows.append(r)
        print(f"  {label}: {r['medianMs']:.1f} ms/step, {r['imagesPerSecond']:.1f} images/s", flush=True)

    print('precision   warm-up s   ms/step   images/s')
    for r in rows:
        print(f"{r['precision']:<10} {r['warmupMs'] / 1000:>10.1f} {r['medianMs']:>9.1f} {r['imagesPerSecond']:>10.2f}")
    result = {
        'date': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
        'runtime': f'torch {torch.__version__}, torchvision {torchvision.__version__}, python {platform.python_version()}',
        'device': name,
        'cuda': cuda,
        'size': a.size,
        'batch': a.batch,
        'width': a.width,
        'steps': a.steps,
        'warmup': a.warmup,
        'rows': rows,
    }
    with open(a.out, 'w') as f:
        json.dump(result, f, indent=2)
        f.write('\n')
    print(f'wrote {a.out}')


if __name__ == '__main__':
    sys.exit(main())
