#!/usr/bin/env bash
# The studio's training step (tfjs WebGPU through Dawn, headless Node; studio and stock kernels) against PyTorch's
# torchvision ResNet-18 at the same size and batch, in one run that ends within GPU_CHECK_BUDGET_S (default 450 s).
# Needs the folder tests/scripts/gpu-check/pack.sh builds (.gpu-check/, or GPU_CHECK_DIR) and a python3 with
# torch + torchvision; no Node, no internet. Run from anywhere; it works in the repo root.
#
#   On a GPU machine (an NVIDIA Vulkan ICD found): ResNet-18 ×1 at 224 px, batch 8; PyTorch fp32 and TF32.
#   Elsewhere: Chromium's SwiftShader Vulkan driver, ResNet-18 ×0.125 at 64 px, batch 8 (a few minutes on 2 cores);
#   PyTorch on the CPU at the same size and width.
#   Override with GPU_CHECK_SIZE, GPU_CHECK_BATCH, GPU_CHECK_WIDTH, GPU_CHECK_STEPS (node bench) and
#   GPU_CHECK_TORCH_STEPS.
#
# Writes gpu-check.log, bench-gpu-studio.json, bench-gpu-stock.json, bench-gpu-torch.json and gpu-check-summary.json
# into $OUT when it is set (the device tool's folder that comes back), else into .gpu-check/results/.
# With the device tool: bash tests/scripts/gpu-check/pack.sh here, then run
#   bash tests/scripts/gpu-check/run.sh   with carry [".gpu-check"]   (about 35 MiB)
set -uo pipefail
cd "$(dirname "$0")/../../.." || exit 1
pack=${GPU_CHECK_DIR:-.gpu-check}
budget=${GPU_CHECK_BUDGET_S:-450}
t0=$SECONDS
results=${OUT:-$pack/results}
mkdir -p "$results"
exec > >(tee "$results/gpu-check.log") 2>&1
tee_pid=$!
work=
cleanup() {
  [ -n "$work" ] && rm -rf "$work"
  exec >&- 2>&-
  wait "$tee_pid" 2>/dev/null # the log is complete before the script returns
}
trap cleanup EXIT

say() { printf '[gpu-check %3ds] %s\n' "$((SECONDS - t0))" "$*"; }
[ -f "$pack/bench-gpu.mjs" ] && [ -f "$pack/node.xz" ] || {
  say "$pack/bench-gpu.mjs or $pack/node.xz is missing: run bash tests/scripts/gpu-check/pack.sh first (and carry $pack)"
  exit 1
}

# --- driver: NVIDIA's ICD, else SwiftShader
icd=
for f in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json \
  /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd*.json /usr/share/vulkan/icd.d/nvidia_icd*.json /etc/vulkan/icd.d/nvidia_icd*.json; do
  [ -f "$f" ] && { icd=$f; break; }
done

# --- Vulkan loader: Debian's libvulkan1 (+ glvnd, which NVIDIA's ICD library needs) from the carried .debs, when
# missing (no `ldconfig -p | grep -q` here: under pipefail its SIGPIPE would read as "missing")
shopt -s nullglob
debs=(.gl/*.deb "$pack"/gl/*.deb)
libs=$(ldconfig -p 2>/dev/null)
has_lib() { grep -q "^[[:space:]]*$1 " <<<"$libs"; }
if ! has_lib 'libvulkan\.so\.1' || { [ -n "$icd" ] && ! has_lib 'libGLdispatch\.so\.0'; }; then
  if ((${#debs[@]})) && [ "$(id -u)" = 0 ]; then
    say "libvulkan (or, for NVIDIA's ICD, libGLdispatch) missing from ldconfig: unpacking ${#debs[@]} loader .debs into /"
    for f in "${debs[@]}"; do dpkg -x "$f" /; done
    ldconfig
    libs=$(ldconfig -p 2>/dev/null)
  fi
fi
if ! has_lib 'libvulkan\.so\.1' && [ -f /usr/lib/chromium/libvulkan.so.1 ]; then
  export LD_LIBRARY_PATH=/usr/lib/chromium${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
fi
say "libvulkan: $(grep -m1 -o '/[^ ]*libvulkan\.so\.1$' <<<"$libs" || echo "${LD_LIBRARY_PATH:-none found}")"

if [ -n "$icd" ]; then
  mode=gpu
  size=${GPU_CHECK_SIZE:-224} width=${GPU_CHECK_WIDTH:-1} batch=${GPU_CHECK_BATCH:-8} steps=${GPU_CHECK_STEPS:-10} torch_steps=${GPU_CHECK_TORCH_STEPS:-20}
  export __EGL_VENDOR_LIBRARY_FILENAMES=${__EGL_VENDOR_LIBRARY_FILENAMES:-/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json}
  # the ICD names its library (libGLX_nvidia.so.0) by soname: make the driver's folder findable
  for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do
    [ -d "$d" ] && export LD_LIBRARY_PATH=$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  done
  command -v nvidia-smi >/dev/null && say "$(nvidia-smi -L 2>&1 | head -1)"
elif [ -f /usr/lib/chromium/vk_swiftshader_icd.json ]; then
  mode=swiftshader icd=/usr/lib/chromium/vk_swiftshader_icd.json
  size=${GPU_CHECK_SIZE:-64} width=${GPU_CHECK_WIDTH:-0.125} batch=${GPU_CHECK_BATCH:-8} steps=${GPU_CHECK_STEPS:-2} torch_steps=${GPU_CHECK_TORCH_STEPS:-5}
else
  say "no NVIDIA Vulkan ICD and no /usr/lib/chromium/vk_swiftshader_icd.json (Debian: apt-get install chromium)"
  exit 1
fi
export VK_DRIVER_FILES=$icd VK_ICD_FILENAMES=$icd
say "mode $mode: Vulkan ICD $icd; ResNet-18 ×$width at $size px, batch $batch; budget ${budget} s"

# --- node, dawn.node and the bundle, unpacked outside the carried folder
work=$(mktemp -d "${TMPDIR:-/tmp}/gpu-check.XXXXXX")
mkdir -m 700 "$work/xdg"
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$work/xdg}
py=
for c in python3 /usr/bin/python3; do
  if command -v "$c" >/dev/null && "$c" -c 'import torch, torchvision' 2>/dev/null; then py=$c; break; fi
done
unxz_to() {
  if command -v xz >/dev/null; then xz -dc "$1" >"$2"
  else "${py:-python3}" -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"; fi
}
unxz_to "$pack/node.xz" "$work/node" && chmod +x "$work/node" || { say "could not unpack $pack/node.xz"; exit 1; }
mkdir -p "$work/node_modules/webgpu/dist/linux-x64"
cp "$pack/bench-gpu.mjs" "$work/"
cp "$pack"/node_modules/webgpu/{package.json,index.js} "$work/node_modules/webgpu/"
unxz_to "$pack/node_modules/webgpu/dist/linux-x64/dawn.node.xz" "$work/node_modules/webgpu/dist/linux-x64/dawn.node" || { say "could not unpack dawn.node"; exit 1; }
say "node $("$work/node" --version), python: ${py:-none with torch + torchvision}"

# --- the runs, each under a timeout that leaves the rest of the budget to the next
left() { echo $((budget - (SECONDS - t0))); }
capped() { # capped CAP_SECONDS cmd…: timeout min(CAP, budget left − 20 s)
  local cap=$1 l t
  shift
  l=$(($(left) - 20))
  t=$((cap < l ? cap : l))
  if ((t < 10)); then say "skipped (budget spent): $*"; return 124; fi
  timeout -k 5 "$t" "$@"
  local rc=$?
  ((rc == 124 || rc == 137)) && say "timed out after ${t} s: $*"
  return $rc
}
rm -f "$results"/bench-gpu-{studio,stock,torch}.json "$results/gpu-check-summary.json"
if [ -n "$py" ]; then
  say "PyTorch"
  PYTHONUNBUFFERED=1 capped 110 "$py" tests/scripts/bench-gpu-torch.py --size "$size" --batch "$batch" --width "$width" \
    --steps "$torch_steps" --out "$results/bench-gpu-torch.json"
else
  say "no python3 with torch + torchvision: PyTorch skipped"
fi
for k in studio stock; do
  cap=$(((budget - 60) / 2))
  say "tfjs WebGPU (Dawn), $k kernels"
  # --budget-s: stop timing steps well before the timeout, so that the JSON is written
  capped "$cap" "$work/node" "$work/bench-gpu.mjs" --size "$size" --batch "$batch" --width "$width" --steps "$steps" \
    --kernels "$k" --budget-s $((cap / 2)) --out "$results/bench-gpu-$k.json"
done

# --- one table
say "summary"
"$work/node" - "$results" "$mode" <<'EOF'
const fs = require('node:fs');
const [dir, mode] = process.argv.slice(2);
const read = (f) => { try { return JSON.parse(fs.readFileSync(`${dir}/${f}`, 'utf8')); } catch { return null; } };
const studio = read('bench-gpu-studio.json'), stock = read('bench-gpu-stock.json'), torch = read('bench-gpu-torch.json');
const rows = [];
for (const j of [studio, stock]) for (const r of j?.rows ?? []) {
  const a = j.adapter;
  rows.push({ name: `tfjs WebGPU, ${r.kernels} kernels`, device: [a.vendor, a.architecture, a.description].filter(Boolean).join(' / '), msPerStep: r.medianMs, imagesPerSecond: r.imagesPerSecond, steps: r.stepMs.length });
}
for (const r of torch?.rows ?? []) rows.push({ name: `PyTorch ${r.precision}`, device: torch.device, msPerStep: r.medianMs, imagesPerSecond: r.imagesPerSecond, steps: r.stepMs.length });
const get = (name) => rows.find((r) => r.name === name)?.imagesPerSecond;
const ratios = {};
for (const k of ['studio', 'stock']) for (const p of ['fp32', 'tf32']) {
  const a = get(`tfjs WebGPU, ${k} kernels`), b = get(`PyTorch ${p}`);
  if (a && b) ratios[`${k}/pytorch-${p}`] = a / b;
}
const cfg = studio ?? stock ?? torch ?? {};
console.log(`\n${mode === 'gpu' ? 'GPU' : 'SwiftShader (no GPU)'}: ResNet-18 ×${cfg.width} at ${cfg.size} px, batch ${cfg.batch}; median ms per training step (forward, BCE, backward, Adam)`);
console.log(`${'run'.padEnd(30)} ${'ms/step'.padStart(9)} ${'images/s'.padStart(9)} ${'steps'.padStart(5)}  device`);
for (const r of rows) console.log(`${r.name.padEnd(30)} ${r.msPerStep.toFixed(1).padStart(9)} ${r.imagesPerSecond.toFixed(2).padStart(9)} ${String(r.steps).padStart(5)}  ${r.device}`);
if (!studio) console.log('tfjs WebGPU, studio kernels: no result (see the log)');
if (!stock) console.log('tfjs WebGPU, stock kernels: no result (see the log)');
if (!torch) console.log('PyTorch: no result (see the log)');
for (const [k, v] of Object.entries(ratios)) console.log(`images/s ratio ${k}: ${v.toPrecision(3)}`);
fs.writeFileSync(`${dir}/gpu-check-summary.json`, JSON.stringify({ date: new Date().toISOString(), mode, size: cfg.size, batch: cfg.batch, width: cfg.width, rows, ratios }, null, 2) + '\n');
EOF
say "done in $((SECONDS - t0)) s; files in $results"
