#include "CVectorMath.h"

#include <stdint.h>
#include <string.h>

// Built with -ffp-contract=off (Package.swift): a*b + c must stay two roundings, whatever the target.
#if defined(__x86_64__) && defined(__linux__)
#define CHORUS_MULTIVERSION __attribute__((target_clones("avx2", "default")))
#else
#define CHORUS_MULTIVERSION
#endif

static inline float bits_to_float(int32_t bits) {
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

static inline int32_t float_to_bits(float value) {
    int32_t bits;
    memcpy(&bits, &value, sizeof bits);
    return bits;
}

// For |x| < 0.55 the odd Taylor series to x^17 (truncation < 3e-8 relative); otherwise 1 - 2/(e^{2|x|} + 1)
// with e^v = 2^k * e^r, |r| <= ln2/2, by a degree-7 polynomial. Accurate to a few float ulps everywhere.
CHORUS_MULTIVERSION
void chorus_tanh_inplace(float *restrict values, size_t count) {
    for (size_t i = 0; i < count; i++) {
        const float x = values[i];
        const float a = x < 0 ? -x : x;
        // Small: x(1 + x^2(c3 + x^2(c5 + ...))) with tanh's Taylor coefficients.
        const float z = a * a;
        float p = 0.00059002744f;   // x^17
        p = p * z + -0.0014558344f; // x^15
        p = p * z + 0.0035921280f;  // x^13
        p = p * z + -0.0088632355f; // x^11
        p = p * z + 0.021869489f;   // x^9
        p = p * z + -0.053968254f;  // x^7 = -17/315
        p = p * z + 0.13333334f;    // x^5 = 2/15
        p = p * z + -0.33333334f;   // x^3 = -1/3
        const float small = a + a * z * p;
        // Large: e^v by range reduction; k = round(v / ln 2) by the 1.5 * 2^23 trick (the sum's low
        // mantissa bits hold k as an integer).
        const float v = a > 10 ? 20.0f : 2 * a;
        const float magic = 12582912.0f;
        const float shifted = v * 1.442695f + magic;
        const float k = shifted - magic;
        const float r = (v - k * 0.693145751953125f) - k * 1.428606765330187e-06f;
        float e = 1.0f / 5040.0f;
        e = e * r + 1.0f / 720.0f;
        e = e * r + 1.0f / 120.0f;
        e = e * r + 1.0f / 24.0f;
        e = e * r + 1.0f / 6.0f;
        e = e * r + 0.5f;
        e = e * r + 1.0f;
        e = e * r + 1.0f;
        const uint32_t kBits = (uint32_t)float_to_bits(shifted) - 0x4B400000u;
        const float scale = bits_to_float((int32_t)((kBits + 127u) << 23)); // 2^k
        const float large = 1 - 2 / (e * scale + 1);
        const float magnitude = a < 0.55f ? small : large;
        values[i] = x < 0 ? -magnitude : magnitude;
    }
}
