// Element-wise kernels the network layers run on every activation, in C so that one binary can carry an
// AVX2 version beside the baseline x86-64 one and pick at load time (GCC/Clang function multiversioning).
#ifndef CVECTORMATH_H
#define CVECTORMATH_H

#include <stddef.h>

/// tanh of each of `count` floats, in place. Every version computes the same IEEE operations in the same
/// order (no contraction into FMA, no reassociation), so the results are the same bits on every CPU.
void chorus_tanh_inplace(float *values, size_t count);

#endif
