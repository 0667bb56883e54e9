#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Randomness

/// A batch of categorical distributions given by logits, one row per sample.
///
/// Log-probabilities are computed stably (`z − max z − log Σ exp(z − max z)`). The gradient methods
/// add `scale · ∂f/∂logits` of one row's quantity into a gradient tensor of the logits' shape:
/// - `log π(a)`: `e_a − π`
/// - entropy `H = −Σ π log π`: `−π ⊙ (log π + H)`
/// - `KL(π_other ‖ π)` for a fixed `π_other` (this batch is the one learning): `π − π_other`
public struct Categorical: Sendable {
    /// `log π`, one row per sample.
    public private(set) var logProbabilities: Tensor

    public init(logits: Tensor) {
        logProbabilities = Tensor(rows: 0, columns: 0)
        update(logits: logits)
    }

    /// Recomputes the distributions for new logits, reusing the buffer.
    public mutating func update(logits: Tensor) {
        logProbabilities.reshape(rows: logits.rows, columns: logits.columns)
        let n = logits.columns
        logProbabilities.storage.withUnsafeMutableBufferPointer { out in
            logits.storage.withUnsafeBufferPointer { z in
                for r in 0..<logits.rows {
                    let row = z.baseAddress! + r * n, dst = out.baseAddress! + r * n
                    var m = -Float.infinity
                    for j in 0..<n { m = max(m, row[j]) }
                    var sum = 0.0
                    for j in 0..<n { sum += Double(expf(row[j] - m)) }
                    let logSum = Float(log(sum))
                    for j in 0..<n { dst[j] = row[j] - m - logSum }
                }
            }
        }
    }

    public var batchSize: Int { logProbabilities.rows }
    public var actionCount: Int { logProbabilities.columns }

    @inlinable
    public func logProbability(row: Int, action: Int) -> Float { logProbabilities[row, action] }

    /// `π(j)` for one row.
    public func probability(row: Int, action: Int) -> Float { expf(logProbabilities[row, action]) }

    /// `H = −Σ π log π` of one row, accumulated in Double.
    public func entropy(row: Int) -> Float {
        var h = 0.0
        for j in 0..<actionCount {
            let lp = Double(logProbabilities[row, j])
            h -= exp(lp) * lp
        }
        return Float(h)
    }

    /// `KL(self ‖ other) = Σ π (log π − log π_other)` of one row.
    public func kullbackLeibler(to other: Categorical, row: Int) -> Float {
        var kl = 0.0
        for j in 0..<actionCount {
            let lp = Double(logProbabilities[row, j])
            kl += exp(lp) * (lp - Double(other.logProbabilities[row, j]))
        }
        return Float(kl)
    }

    /// An action drawn from row `row` with one uniform number from `rng`.
    public func sample(row: Int, using rng: inout RandomGenerator) -> Int {
        let u = rng.nextDouble()
        var cumulative = 0.0
        for j in 0..<actionCount {
            cumulative += exp(Double(logProbabilities[row, j]))
            if u < cumulative { return j }
        }
        // Rounding left u above the total: take the last action with non-zero probability.
        return (0..<actionCount).last { logProbabilities[row, $0] > -Float.infinity } ?? 0
    }

    /// The most likely action of row `row` (the first on ties).
    public func mode(row: Int) -> Int {
        var best = 0
        for j in 1..<actionCount where logProbabilities[row, j] > logProbabilities[row, best] { best = j }
        return best
    }

    /// Adds `scale · ∂ log π(action) / ∂logits` for one row: `scale · (e_a − π)`.
    public func addLogProbabilityGradient(row: Int, action: Int, scale: Float, into gradient: inout Tensor) {
        for j in 0..<actionCount {
            gradient[row, j] += scale * ((j == action ? 1 : 0) - expf(logProbabilities[row, j]))
        }
    }

    /// Adds `scale · ∂H/∂logits` for one row: `−scale · π ⊙ (log π + H)`.
    public func addEntropyGradient(row: Int, scale: Float, into gradient: inout Tensor) {
        let h = entropy(row: row)
        for j in 0..<actionCount {
            let lp = logProbabilities[row, j]
            gradient[row, j] -= scale * expf(lp) * (lp + h)
        }
    }

    /// Adds `scale · ∂ KL(target ‖ self)/∂logits` for one row, the target held fixed: `scale · (π − π_target)`.
    public func addKullbackLeiblerGradient(from target: Categorical, row: Int, scale: Float, into gradient: inout Tensor) {
        for j in 0..<actionCount {
            gradient[row, j] += scale * (expf(logProbabilities[row, j]) - expf(target.logProbabilities[row, j]))
        }
    }
}
