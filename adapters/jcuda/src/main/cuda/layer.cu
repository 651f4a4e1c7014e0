// Layer stand-in kernels for scaleplan's JCuda executor. Compiled ahead of time to PTX by scripts/build-ptx.sh; the
// PTX ships as a resource and is loaded through the driver API, so nothing needs NVRTC or cuBLAS at run time.
//
// A transformer-like layer's time grows with the batch like a dense layer: y[b][j] = sum_k x[b][k] * w[k][j], a
// (batch x hidden) by (hidden x hidden) matrix product in fp32, tiled through shared memory (the classic 16 x 16 tile
// scheme of the CUDA C Programming Guide, "Shared Memory" matrix multiplication example).

#define TILE 16

extern "C" __global__ void layer_matmul(const float* __restrict__ x, const float* __restrict__ w,
                                        float* __restrict__ y, int batch, int hidden) {
  __shared__ float xs[TILE][TILE];
  __shared__ float ws[TILE][TILE];
  int row = blockIdx.y * TILE + threadIdx.y;  // request index
  int col = blockIdx.x * TILE + threadIdx.x;  // output feature
  float acc = 0.0f;
  for (int t = 0; t < hidden; t += TILE) {
    int k = t + threadIdx.x;
    xs[threadIdx.y][threadIdx.x] = (row < batch && k < hidden) ? x[(long)row * hidden + k] : 0.0f;
    int kw = t + threadIdx.y;
    ws[threadIdx.y][threadIdx.x] = (kw < hidden && col < hidden) ? w[(long)kw * hidden + col] : 0.0f;
    __syncthreads();
    #pragma unroll
    for (int i = 0; i < TILE; i++) {
      acc += xs[threadIdx.y][i] * ws[i][threadIdx.x];
    }
    __syncthreads();
  }
  if (row < batch && col < hidden) {
    y[(long)row * hidden + col] = acc;
  }
}

// Fills n floats with a deterministic pattern (so that results are checkable): a[i] = ((i * 7) % 13 - 6) / 8.
extern "C" __global__ void fill_pattern(float* a, long n) {
  long i = (long)blockIdx.x * blockDim.x + threadIdx.x;
  long stride = (long)gridDim.x * blockDim.x;
  for (; i < n; i += stride) {
    a[i] = (float)((i * 7) % 13 - 6) / 8.0f;
  }
}
