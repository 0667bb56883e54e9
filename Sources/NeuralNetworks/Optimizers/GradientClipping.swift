/// Global gradient-norm clipping: when `‖g‖₂` over all parameters exceeds `maxNorm`, every gradient is
/// scaled by `maxNorm / ‖g‖₂`.
public enum GradientClipping {
    /// The global L2 norm of the gradients (accumulated in Double).
    public static func globalNorm(_ parameters: [Parameter]) -> Double {
        var sum = 0.0
        for p in parameters {
            p.gradient.storage.withUnsafeBufferPointer { g in
                for x in g { sum += Double(x) * Double(x) }
            }
        }
        return sum.squareRoot()
    }

    /// Clips in place and returns the norm before clipping (non-finite norms are returned unchanged, gradients untouched).
    @discardableResult
    public static func clip(_ parameters: [Parameter], maxNorm: Double) -> Double {
        let norm = globalNorm(parameters)
        guard norm.isFinite, norm > maxNorm, norm > 0 else { return norm }
        let scale = Float(maxNorm / norm)
        for p in parameters {
            p.gradient.storage.withUnsafeMutableBufferPointer { g in for i in g.indices { g[i] *= scale } }
        }
        return norm
    }
}
