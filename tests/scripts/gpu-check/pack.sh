#!/usr/bin/env bash
# Packs everything tests/scripts/gpu-check/run.sh needs on a GPU machine that has Python + PyTorch but no Node
# and no internet, into one folder at the repo root (default .gpu-check/, git-ignored; GPU_CHECK_DIR overrides):
#   bench-gpu.mjs            tests/scripts/bench-gpu.ts bundled by esbuild (tfjs and the studio's code inside)
#   node_modules/webgpu/     the npm `webgpu` package's run-time files; dist/linux-x64/dawn.node.xz (Dawn)
#   node.xz                  this machine's node binary, xz-compressed
#   bench-gpu-torch.py       the PyTorch twin
#   gl/*.deb                 Debian's Vulkan/GL loaders (libvulkan1, libglvnd …), for a machine whose
#                            `ldconfig -p` has no libvulkan; skipped with --no-loaders, or with a warning when
#                            apt-get cannot download them
# Fails when the folder is over 60 MiB (the device tool carries 64 MiB with the rest of the tree).
# Usage: bash tests/scripts/gpu-check/pack.sh [--no-loaders]
# Then on the GPU machine, from the repo root, with the folder carried: bash tests/scripts/gpu-check/run.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
pack=${GPU_CHECK_DIR:-.gpu-check}
loaders=1
for a in "$@"; do
  case $a in
    --no-loaders) loaders=0 ;;
    *) echo "pack.sh: unknown option $a" >&2; exit 2 ;;
  esac
done
[ -d node_modules/webgpu ] || { echo "pack.sh: node_modules/webgpu is missing: run npm ci" >&2; exit 1; }
mkdir -p "$pack"

echo "bundling tests/scripts/bench-gpu.ts → $pack/bench-gpu.mjs"
esbuild=node_modules/.bin/esbuild
[ -x "$esbuild" ] || esbuild=node_modules/esbuild/bin/esbuild
# CommonJS parts of tfjs call require() for Node built-ins: give the ES module one.
"$esbuild" tests/scripts/bench-gpu.ts --bundle --platform=node --format=esm --target=node20 \
  --external:webgpu --log-level=warning --outfile="$pack/bench-gpu.mjs" \
  --banner:js="import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);"

echo "copying the webgpu package (linux-x64 dawn.node, xz-compressed)"
wg=$pack/node_modules/webgpu
rm -rf "$wg"
mkdir -p "$wg/dist/linux-x64"
cp node_modules/webgpu/package.json node_modules/webgpu/index.js node_modules/webgpu/LICENSE.md "$wg/"
xz -T2 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node >"$wg/dist/linux-x64/dawn.node.xz"

node_bin=$(command -v node)
stamp="$(readlink -f "$node_bin") $(stat -c '%s %Y' "$(readlink -f "$node_bin")") $(node --version)"
if [ -f "$pack/node.xz" ] && [ "$(cat "$pack/node.stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "node.xz is up to date ($(node --version))"
else
  echo "compressing $node_bin ($(node --version)) → $pack/node.xz (about a minute)"
  xz -T2 -9 -c "$node_bin" >"$pack/node.xz.tmp"
  mv "$pack/node.xz.tmp" "$pack/node.xz"
  echo "$stamp" >"$pack/node.stamp"
fi

cp tests/scripts/bench-gpu-torch.py "$pack/"

if [ "$loaders" = 1 ]; then
  if ls "$pack"/gl/libvulkan1_*.deb >/dev/null 2>&1; then
    echo "Vulkan/GL loader .debs already in $pack/gl"
  else
    echo "downloading Debian's Vulkan/GL loaders (amd64) → $pack/gl"
    mkdir -p "$pack/gl" /tmp/amd64/partial
    o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64)
    if ! (apt-get "${o[@]}" update -qq && cd "$pack/gl" && apt-get "${o[@]}" download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2) >/tmp/gpu-check-apt.log 2>&1; then
      echo "pack.sh: WARNING: apt-get could not download the loaders (see /tmp/gpu-check-apt.log); run.sh then needs a libvulkan on the GPU machine" >&2
    fi
  fi
fi

echo
# results/ (run.sh's output when $OUT is unset) is left out of the count
(cd "$pack" && find . -path ./results -prune -o -type f ! -name '*.tmp' -printf '%s\t%p\n' | sort -k2 |
  awk -F'\t' '{ printf "%10.2f MiB  %s\n", $1 / 1048576, $2 }')
bytes=$(cd "$pack" && find . -path ./results -prune -o -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
limit=$((60 * 1024 * 1024))
awk -v b="$bytes" -v p="$pack" 'BEGIN { printf "total %.2f MiB in %s (limit 60 MiB)\n", b / 1048576, p }'
if [ "$bytes" -gt "$limit" ]; then
  echo "pack.sh: $pack is over 60 MiB" >&2
  exit 1
fi
echo "carry '$pack' and run: bash tests/scripts/gpu-check/run.sh"
