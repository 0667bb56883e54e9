import CVectorMath

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An element-wise nonlinearity, applied in place; its backward pass reads the activation's output.
public enum Activation: String, Equatable, Sendable, CaseIterable {
    case tanh, relu, identity

    /// `x ← f(x)`.
    public func apply(_ x: inout Tensor) {
        switch self {
        case .identity: return
        case .tanh: x.storage.withUnsafeMutableBufferPointer { Self.tanh($0) }
        case .relu: x.storage.withUnsafeMutableBufferPointer { v in for i in v.indices { v[i] = max(v[i], 0) } }
        }
    }

    /// `g ← g · f′`, with `f′` written through the output `y = f(x)`: `1 − y²` for tanh, `y > 0` for ReLU.
    public func backward(output y: Tensor, gradient g: inout Tensor) {
        switch self {
        case .identity: return
        case .tanh:
            y.storage.withUnsafeBufferPointer { out in
                g.storage.withUnsafeMutableBufferPointer { d in for i in d.indices { d[i] *= 1 - out[i] * out[i] } }
            }
        case .relu:
            y.storage.withUnsafeBufferPointer { out in
                g.storage.withUnsafeMutableBufferPointer { d in for i in d.indices where out[i] <= 0 { d[i] = 0 } }
            }
        }
    }
}

extension Activation {
    /// `tanh` of every element (`chorus_tanh_inplace`: libm's `tanhf` is a scalar call and dominated the network's time).
    ///
    /// For |x| < 0.55 the odd Taylor series to x¹⁷ (truncation < 3·10⁻⁸ relative); otherwise
    /// `1 − 2/(e^{2|x|} + 1)` with `e^v = 2ⁿ·e^r`, |r| ≤ ln2/2, by a degree-7 polynomial. Accurate to a few
    /// float ulps everywhere (tested against libm). The C kernel carries an AVX2 version beside the baseline
    /// one and rounds every operation the same way in both, so the bits do not depend on the CPU.
    static func tanh(_ values: UnsafeMutableBufferPointer<Float>) {
        guard let base = values.baseAddress else { return }
        chorus_tanh_inplace(base, values.count)
    }
}
