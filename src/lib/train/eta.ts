/**
 * Time left in a training run, from what it measured so far: seconds per training image (steps that compiled
 * shaders left out), validation (the run's first one compiles the inference shaders, so until a second one
 * is timed it counts a third of a training image's time per image) and the rest of an epoch's end
 * (checkpoint, the page's update). Says nothing (undefined: "estimating…") until two steps have been timed.
 */

export interface RunShape {
  epochs: number;
  /** training images per epoch */
  trainImages: number;
  /** validation images per epoch */
  valImages: number;
}

export class RunEta {
  /** seconds per image of the timed steps, kept sorted (the median is read on every step) */
  private readonly perImage: number[] = [];
  private readonly seenBatchSizes = new Set<number>();
  private validations = 0;
  private validationSeconds: number | undefined;
  private epochEndSeconds = 0;

  constructor(private readonly run: RunShape) {}

  /**
   * One training step of `images` images took `seconds`. The first step of each batch size compiles the
   * shaders of its shapes (seconds on a software adapter) and is not what the next ones cost.
   */
  stepDone(images: number, seconds: number): void {
    const first = !this.seenBatchSizes.has(images);
    this.seenBatchSizes.add(images);
    if (!first && images > 0) {
      const value = seconds / images;
      let lo = 0;
      let hi = this.perImage.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.perImage[mid] <= value) lo = mid + 1;
        else hi = mid;
      }
      this.perImage.splice(lo, 0, value);
    }
  }

  /** An epoch ended: its validation took `validation` seconds, its checkpoint and the page's update `rest`. */
  epochDone(validation: number, rest: number): void {
    this.validations++;
    if (this.validations > 1) this.validationSeconds = Math.max(0, validation);
    this.epochEndSeconds = Math.max(0, rest);
  }

  /**
   * Seconds left when `epoch` (1-based) has `imagesLeftInEpoch` training images to go: the median seconds
   * per image for those and the later epochs, plus each unfinished epoch's validation and end.
   */
  secondsLeft(epoch: number, imagesLeftInEpoch: number): number | undefined {
    if (this.perImage.length < 2) return undefined;
    const perImage = this.perImage[this.perImage.length >> 1];
    const epochsLeft = this.run.epochs - epoch;
    const images = imagesLeftInEpoch + epochsLeft * this.run.trainImages;
    const validation = this.validationSeconds ?? (this.run.valImages * perImage) / 3;
    return images * perImage + (epochsLeft + 1) * (validation + this.epochEndSeconds);
  }
}
