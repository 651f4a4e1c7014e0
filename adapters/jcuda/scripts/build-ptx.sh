#!/usr/bin/env bash
# Regenerates the PTX the JCuda executor loads: src/main/cuda/layer.cu -> src/main/resources/.../layer.ptx.
# Needs nvcc (any CUDA toolkit from 12.0). The PTX targets the virtual architecture compute_75, so the driver JIT-
# compiles it for any GPU from Turing on; the driver must support the PTX ISA version this nvcc writes.
set -euo pipefail
cd "$(dirname "$0")/.."
out=src/main/resources/dev/scaleplan/adapters/jcuda/layer.ptx
nvcc -ptx -O3 -arch=compute_75 -o "$out" src/main/cuda/layer.cu
echo "wrote $out ($(wc -c < "$out") bytes) with $(nvcc --version | tail -n 1)"
