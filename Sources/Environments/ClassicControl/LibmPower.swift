#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The C library's `pow` and `powf`, really called.
///
/// Gymnasium's `x ** 2` calls C `pow`, which differs from the exact product `x * x` in about 0.1 % of
/// arguments; the optimiser rewrites a literal `pow(x, 2)` into `x * x`, so these wrappers are
/// compiled without optimisation to keep the call (and bit-exactness with Gymnasium in release builds).
enum LibmPower {
    @_optimize(none)
    static func pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }

    @_optimize(none)
    static func powf(_ x: Float, _ y: Float) -> Float { Glibc.powf(x, y) }
}
