// The machine's floating-point peak per core, the ceiling beside BENCHMARKS.md's GFLOPS:
//   gcc -O2 -mavx2 -mfma bench/peak.c -o /tmp/peak && /tmp/peak     (run twice at once for two cores)
// Ten independent accumulator chains keep every FMA pipe busy. WebAssembly SIMD is 128 bits wide,
// so the 128-bit lines bound both our kernels and TensorFlow.js's wasm backend; baseline wasm has
// no FMA, so the mul+add line is the one our GEMM can reach.
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

#define CHAINS 10
static const long ITERS = 200000000;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void) {
  __m256 w[CHAINS];
  __m128 v[CHAINS], u[CHAINS];
  for (int i = 0; i < CHAINS; i++) w[i] = _mm256_set1_ps(i * 0.1f), v[i] = u[i] = _mm_set1_ps(i * 0.1f);
  const __m256 x8 = _mm256_set1_ps(1.0000001f), y8 = _mm256_set1_ps(0.9999999f);
  const __m128 x4 = _mm_set1_ps(1.0000001f), y4 = _mm_set1_ps(0.9999999f);
  float sink = 0, lane[8];

  double t = now();
  for (long n = 0; n < ITERS; n++)
#pragma GCC unroll 10 // = CHAINS: the chains stay in registers
    for (int i = 0; i < CHAINS; i++) w[i] = _mm256_fmadd_ps(w[i], x8, y8);
  t = now() - t;
  for (int i = 0; i < CHAINS; i++) _mm256_storeu_ps(lane, w[i]), sink += lane[0];
  printf("256-bit FMA      %6.1f GFLOPS\n", ITERS * CHAINS * 16.0 / t / 1e9);

  t = now();
  for (long n = 0; n < ITERS; n++)
#pragma GCC unroll 10 // = CHAINS: the chains stay in registers
    for (int i = 0; i < CHAINS; i++) v[i] = _mm_fmadd_ps(v[i], x4, y4);
  t = now() - t;
  for (int i = 0; i < CHAINS; i++) _mm_storeu_ps(lane, v[i]), sink += lane[0];
  printf("128-bit FMA      %6.1f GFLOPS\n", ITERS * CHAINS * 8.0 / t / 1e9);

  t = now();
  for (long n = 0; n < ITERS; n++)
#pragma GCC unroll 10 // = CHAINS: the chains stay in registers
    for (int i = 0; i < CHAINS; i++) u[i] = _mm_add_ps(_mm_mul_ps(u[i], x4), y4);
  t = now() - t;
  for (int i = 0; i < CHAINS; i++) _mm_storeu_ps(lane, u[i]), sink += lane[0];
  printf("128-bit mul+add  %6.1f GFLOPS\n", ITERS * CHAINS * 8.0 / t / 1e9);
  return sink == 42.0f; // keeps the chains live
}
