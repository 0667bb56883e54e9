#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Randomness

/// A batch of diagonal Gaussians: a mean per row and a state-independent log standard deviation.
///
/// - `log p(a) = Σ_d −½((a_d − μ_d)/σ_d)² − log σ_d − ½ log 2π`,
///   `∂/∂μ_d = (a_d − μ_d)/σ_d²`, `∂/∂log σ_d = ((a_d − μ_d)/σ_d)² − 1`
/// - `H = Σ_d log σ_d + ½(1 + log 2π)`, `∂H/∂log σ_d = 1`
/// - `KL(N₁‖N₂) = Σ_d log(σ₂/σ₁) + (σ₁² + (μ₁ − μ₂)²)/(2σ₂²) − ½`;
///   for N₁: `∂/∂μ₁ = (μ₁ − μ₂)/σ₂²`, `∂/∂log σ₁ = σ₁²/σ₂² − 1`;
///   for N₂: `∂/∂μ₂ = (μ₂ − μ₁)/σ₂²`, `∂/∂log σ₂ = 1 − (σ₁² + (μ₁ − μ₂)²)/σ₂²`
public struct DiagonalGaussian: Sendable {
    public var mean: Tensor
    /// One log standard deviation per action dimension.
    public var logStd: [Float]

    public static let halfLogTwoPi = Float(0.5 * log(2 * Double.pi))

    public init(mean: Tensor, logStd: [Float]) {
        precondition(mean.columns == logStd.count, "one log-std per action dimension")
        self.mean = mean
        self.logStd = logStd
    }

    public var batchSize: Int { mean.rows }
    public var dimensions: Int { mean.columns }

    /// `log p(action)` of row `row`; `action` has `dimensions` values.
    public func logProbability(row: Int, action: UnsafePointer<Float>) -> Float {
        var total = 0.0
        for d in 0..<dimensions {
            let z = Double(action[d] - mean[row, d]) / exp(Double(logStd[d]))
            total += -0.5 * z * z - Double(logStd[d]) - Double(Self.halfLogTwoPi)
        }
        return Float(total)
    }

    /// The entropy (the same for every row).
    public var entropy: Float {
        var h = 0.0
        for d in 0..<dimensions { h += Double(logStd[d]) + 0.5 + Double(Self.halfLogTwoPi) }
        return Float(h)
    }

    /// `KL(self ‖ other)` of row `row`.
    public func kullbackLeibler(to other: DiagonalGaussian, row: Int) -> Float {
        var kl = 0.0
        for d in 0..<dimensions {
            let s1 = exp(Double(logStd[d])), s2 = exp(Double(other.logStd[d]))
            let dm = Double(mean[row, d] - other.mean[row, d])
            kl += log(s2 / s1) + (s1 * s1 + dm * dm) / (2 * s2 * s2) - 0.5
        }
        return Float(kl)
    }

    /// Writes a sample of row `row` (one standard normal per dimension from `rng`).
    public func sample(row: Int, into action: UnsafeMutablePointer<Float>, using rng: inout RandomGenerator) {
        for d in 0..<dimensions {
            action[d] = mean[row, d] + expf(logStd[d]) * Float(rng.normal())
        }
    }

    /// Adds `scale · ∂ log p(action)/∂μ` into `meanGradient` (row `row`) and `scale · ∂/∂log σ` into `logStdGradient`.
    public func addLogProbabilityGradient(
        row: Int, action: UnsafePointer<Float>, scale: Float,
        meanGradient: inout Tensor, logStdGradient: inout [Float]
    ) {
        for d in 0..<dimensions {
            let sigma = expf(logStd[d])
            let z = (action[d] - mean[row, d]) / sigma
            meanGradient[row, d] += scale * z / sigma
            logStdGradient[d] += scale * (z * z - 1)
        }
    }

    /// Adds `scale · ∂H/∂log σ` (= scale per dimension) into `logStdGradient`.
    public func addEntropyGradient(scale: Float, logStdGradient: inout [Float]) {
        for d in 0..<dimensions { logStdGradient[d] += scale }
    }

    /// Adds `scale · ∂ KL(target ‖ self)` with the target fixed, with respect to this batch's mean and log σ:
    /// `∂/∂μ = (μ − μ_t)/σ²`, `∂/∂log σ = 1 − (σ_t² + (μ_t − μ)²)/σ²`.
    public func addKullbackLeiblerGradient(
        from target: DiagonalGaussian, row: Int, scale: Float,
        meanGradient: inout Tensor, logStdGradient: inout [Float]
    ) {
        for d in 0..<dimensions {
            let variance = expf(2 * logStd[d]), targetVariance = expf(2 * target.logStd[d])
            let dm = mean[row, d] - target.mean[row, d]
            meanGradient[row, d] += scale * dm / variance
            logStdGradient[d] += scale * (1 - (targetVariance + dm * dm) / variance)
        }
    }

    /// Adds `scale · ∂ KL(self ‖ target)` with the target fixed, with respect to this batch's mean and log σ:
    /// `∂/∂μ = (μ − μ_t)/σ_t²`, `∂/∂log σ = σ²/σ_t² − 1`.
    public func addKullbackLeiblerGradient(
        to target: DiagonalGaussian, row: Int, scale: Float,
        meanGradient: inout Tensor, logStdGradient: inout [Float]
    ) {
        for d in 0..<dimensions {
            let variance = expf(2 * logStd[d]), targetVariance = expf(2 * target.logStd[d])
            meanGradient[row, d] += scale * (mean[row, d] - target.mean[row, d]) / targetVariance
            logStdGradient[d] += scale * (variance / targetVariance - 1)
        }
    }
}
