import type { ProjectConfig } from './config';

/** The README's launch lines: the tests run the first two exactly as written here. */
export const LAUNCH = {
  oneProcess: 'python3 train.py',
  oneNode: 'torchrun --standalone --nproc_per_node N train.py',
  twoProcessesCpu: 'torchrun --standalone --nproc_per_node 2 train.py --device cpu',
} as const;

export const REQUIREMENTS = ['torch>=1.13', 'torchvision>=0.14', 'numpy', 'pillow', ''].join('\n');

/** With the DICOM source: pydicom, and decoders for the compressed transfer syntaxes (GDCM's wheel). */
export const DICOM_REQUIREMENTS = `${REQUIREMENTS}pydicom>=2.3\npython-gdcm\n`;

const SLURM = `#!/bin/bash
#SBATCH --job-name=cxr-studio
#SBATCH --nodes=2
#SBATCH --ntasks-per-node=1
#SBATCH --gpus-per-node=4
#SBATCH --cpus-per-task=16
#SBATCH --time=12:00:00
# one torchrun per node; torchrun starts one process per GPU
head=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)
srun torchrun --nnodes "$SLURM_NNODES" --nproc_per_node 4 \\
  --rdzv_id "$SLURM_JOB_ID" --rdzv_backend c10d --rdzv_endpoint "$head:29500" \\
  train.py --workers 8`;

/** README.md of an exported training project. */
export function projectReadme(config: ProjectConfig, imageCount: number): string {
  const t = config.train;
  const d = config.data;
  return `# ${d.name}: the cxr-studio recipe in PyTorch

${
    d.source === 'dicom'
      ? `Exported by cxr-studio: \`index.csv\` of ${imageCount} images (${d.imageSize} px, classes ${d.classes.join(', ')}) whose
\`source_path\` points into the DICOM folder that was imported (no pixels in this project: they stay on your storage).
\`train.py\` renders each file with pydicom exactly as the studio stores it (Modality, VOI, MONOCHROME1, area resize,
8 bits; within 1 grey level) — **add \`--dicom-root <the imported folder>\` to every command below**.`
      : `Exported by cxr-studio: ${imageCount} images (${d.imageSize} px, classes ${d.classes.join(', ')}) as ImageFolder PNGs
(\`<split>/<label>/<file>.png\`), \`index.csv\`, \`stats.json\`.`
  } \`train.py\` trains the same model with the
same recipe as the studio (\`config.json\`: every setting of the run). Results come back to the studio: load
\`runs/latest/model.safetensors\` and \`runs/latest/history.json\` with "Load a run trained elsewhere".

Run settings: ${t.epochs} epochs, batch ${t.batchSize}, width x${t.widthMultiplier}, Adam lr ${t.lr} (betas ${t.beta1}, ${t.beta2},
weight decay ${t.weightDecay}), schedule ${t.schedule}, imbalance ${t.imbalance} (pos_weight ${t.posWeight}), augmentation
${t.augment.enabled ? 'on' : 'off'}, patience ${t.patience} on ${t.monitor}, seed ${t.seed}.

## Install

    python3 -m pip install -r requirements.txt

## Train

One process (a GPU if there is one, else the CPU):

    ${LAUNCH.oneProcess}

One node with N GPUs (DDP, one process per GPU; the batch is split over them):

    ${LAUNCH.oneNode}

Without GPUs, DDP runs on the CPU (gloo), e.g. two processes:

    ${LAUNCH.twoProcessesCpu}

A SLURM cluster (save as \`train.sbatch\`, adjust nodes and GPUs, then \`sbatch train.sbatch\`):

\`\`\`bash
${SLURM}
\`\`\`

\`python3 train.py --help\` lists every option (each overrides config.json). Notes:

- torch 1.13 on Python 3.11 (Debian bookworm's python3-torch): torchrun fails before starting with
  \`AttributeError: 'NoneType' object has no attribute 'get'\`; add \`--redirects 1 --tee 1\` after \`torchrun\`
  (a launcher bug, fixed in torch 2.0).
- \`--batch\` is the batch of one optimizer step over all processes (each process takes batch / processes);
  BatchNorm normalises each process's share unless \`--sync-bn\` (GPUs).
- \`--amp\` trains in mixed precision (float16 on CUDA, bfloat16 on CPU); the studio trains in float32.
- \`--resume\` continues from \`runs/latest/checkpoint.pt\` (written by rank 0 after every epoch).
- The weights written at the end are the last epoch's, or the best epoch's after an early stop (as in the studio).
`;
}
