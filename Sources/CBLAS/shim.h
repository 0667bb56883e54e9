#ifndef CHORUS_CBLAS_SHIM_H
#define CHORUS_CBLAS_SHIM_H
#include <cblas.h>

/// CPU feature queries, so that Chorus can pick OpenBLAS kernels that match the CPU.
static inline int chorus_cpu_has_avx512f(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f");
#else
    return 0;
#endif
}
static inline int chorus_cpu_has_avx2_fma(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}
#endif
