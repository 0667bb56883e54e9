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
    /// `tanh` of every element, eight lanes at a time (libm's `tanhf` is a scalar call and dominated the network's time).
    ///
    /// For |x| < 0.55 the odd Taylor series to x¹⁷ (truncation < 3·10⁻⁸ relative); otherwise
    /// `1 − 2/(e^{2|x|} + 1)` with `e^v = 2ⁿ·e^r`, |r| ≤ ln2/2, by a degree-7 polynomial. Accurate to a few
    /// float ulps everywhere (tested against libm).
    static func tanh(_ values: UnsafeMutableBufferPointer<Float>) {
        let n = values.count
        var i = 0
        let base = values.baseAddress!
        while i + 8 <= n {
            let x = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(base + i).storeBytes(of: tanh8(x), as: SIMD8<Float>.self)
            i += 8
        }
        if i < n {
            var tail = SIMD8<Float>(repeating: 0)
            for j in 0..<(n - i) { tail[j] = base[i + j] }
            let y = tanh8(tail)
            for j in 0..<(n - i) { base[i + j] = y[j] }
        }
    }

    @inline(__always)
    static func tanh8(_ x: SIMD8<Float>) -> SIMD8<Float> {
        let a = x.replacing(with: -x, where: x .< 0)  // |x|
        // Small: x·(1 + x²·(c3 + x²·(c5 + …))) with tanh's Taylor coefficients.
        let z = a * a
        var p = SIMD8<Float>(repeating: 0.00059002744)  // x¹⁷
        p = p * z + SIMD8(repeating: -0.0014558344)  // x¹⁵
        p = p * z + SIMD8(repeating: 0.0035921280)  // x¹³
        p = p * z + SIMD8(repeating: -0.0088632355)  // x¹¹
        p = p * z + SIMD8(repeating: 0.021869489)  // x⁹
        p = p * z + SIMD8(repeating: -0.053968254)  // x⁷ = −17/315
        p = p * z + SIMD8(repeating: 0.13333334)  // x⁵ = 2/15
        p = p * z + SIMD8(repeating: -0.33333334)  // x³ = −1/3
        let small = a + a * z * p
        // Large: 1 − 2/(e^{2a} + 1), e^v by range reduction.
        let v = (2 * a).replacing(with: 20, where: a .> 10)
        // k = round(v / ln 2) by the 1.5·2²³ trick: the sum's low mantissa bits hold k as an integer.
        let magic = SIMD8<Float>(repeating: 12_582_912)
        let shifted = v * 1.442695 + magic
        let k = shifted - magic
        let r = (v - k * 0.693145751953125) - k * 1.428606765330187e-06
        var e = SIMD8<Float>(repeating: 1.0 / 5040)
        e = e * r + SIMD8(repeating: 1.0 / 720)
        e = e * r + SIMD8(repeating: 1.0 / 120)
        e = e * r + SIMD8(repeating: 1.0 / 24)
        e = e * r + SIMD8(repeating: 1.0 / 6)
        e = e * r + SIMD8(repeating: 0.5)
        e = e * r + SIMD8(repeating: 1)
        e = e * r + SIMD8(repeating: 1)
        let kBits = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let scale = unsafeBitCast((kBits &+ 127) &<< 23, to: SIMD8<Float>.self)  // 2ᵏ
        let large = 1 - 2 / (e * scale + 1)
        let magnitude = large.replacing(with: small, where: a .< 0.55)
        return magnitude.replacing(with: -magnitude, where: x .< 0)
    }
}
