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
        case .tanh: x.storage.withUnsafeMutableBufferPointer { v in for i in v.indices { v[i] = tanhf(v[i]) } }
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
