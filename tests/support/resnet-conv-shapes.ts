/** Every distinct convolution of ResNet-18 (torchvision layout, 1-channel conv1) at an input size and batch. */
export interface ConvShape {
  name: string;
  batch: number;
  height: number;
  width: number;
  inC: number;
  outC: number;
  kernel: number;
  stride: number;
  pad: number;
}

export function resnet18ConvShapes(size: number, batch: number, width = 1): ConvShape[] {
  const c = (n: number) => Math.max(1, Math.round(n * width));
  const shapes: ConvShape[] = [{ name: 'conv1 7×7/2', batch, height: size, width: size, inC: 1, outC: c(64), kernel: 7, stride: 2, pad: 3 }];
  let side = Math.floor((size + 6 - 7) / 2) + 1; // after conv1
  side = Math.floor((side + 2 - 3) / 2) + 1; // after the 3×3/2 max pool
  shapes.push({ name: 'layer1 3×3', batch, height: side, width: side, inC: c(64), outC: c(64), kernel: 3, stride: 1, pad: 1 });
  let inC = c(64);
  for (const [layer, outC] of [[2, c(128)], [3, c(256)], [4, c(512)]] as const) {
    shapes.push({ name: `layer${layer} 3×3/2`, batch, height: side, width: side, inC, outC, kernel: 3, stride: 2, pad: 1 });
    shapes.push({ name: `layer${layer} downsample 1×1/2`, batch, height: side, width: side, inC, outC, kernel: 1, stride: 2, pad: 0 });
    side = Math.floor((side + 2 - 3) / 2) + 1;
    shapes.push({ name: `layer${layer} 3×3`, batch, height: side, width: side, inC: outC, outC, kernel: 3, stride: 1, pad: 1 });
    inC = outC;
  }
  return shapes;
}
