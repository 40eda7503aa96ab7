#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine with Node 20 for this project: the Debian
# packages the native modules and tests need, then `npm ci` with the options
# that keep every install step offline-safe (no downloaded binaries), then the
# build. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libopencv-dev chromium socat ffmpeg fonts-dejavu-core python3 make g++)
# GigE cameras: aravis's GStreamer element (libaravis-0.8-0), Debian's fake GigE camera and arv-tool
# (discovery) for its test.
packages+=(aravis-tools aravis-tools-cli gstreamer1.0-tools gstreamer1.0-plugins-base)
if [ "${LPR_SETUP_TRAINING:-0}" = 1 ]; then
  packages+=(python3-torch python3-torchvision python3-onnx python3-opencv python3-pil libopenblas0-pthread)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
fi

# Build @u4/opencv4nodejs against Debian's OpenCV, use onnxruntime-node's bundled
# CPU binaries, and do not fetch Electron's binary (packaging fetches it).
export OPENCV4NODEJS_DISABLE_AUTOBUILD=1
export OPENCV_INCLUDE_DIR=/usr/include/opencv4
export OPENCV_LIB_DIR=/usr/lib/x86_64-linux-gnu
export OPENCV_BIN_DIR=/usr/bin
export ONNXRUNTIME_NODE_INSTALL=skip
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
# npm ci rebuilds OpenCV's binding (minutes): only when node_modules is missing or asked for.
if [ ! -d node_modules ] || [ "${LPR_SETUP_FORCE:-0}" = 1 ]; then
  npm ci --no-audit --no-fund
fi
node native/check.js
npm run build
echo "setup: done"
