import NeuralNetworks

/// Per-task running mean and variance of observations, and the normalised inputs they give the network
/// (Stable-Baselines3's `VecNormalize(norm_obs=True)`, one set of statistics per task).
///
/// Statistics, in Double, merged batch by batch with Chan et al.'s parallel update (1979): for counts
/// n_a, n_b, means μ_a, μ_b and sums of squared deviations M_a, M_b,
///
///     n = n_a + n_b,  δ = μ_b − μ_a,  μ = μ_a + δ·n_b/n,  M = M_a + M_b + δ²·n_a·n_b/n.
///
/// Inputs: `x̂ = clip((x − μ)/√(M/n + ε), −c, c)` with ε = 10⁻⁸ and c = `observation_clip`; a task with no
/// observations yet passes through unchanged. Only actors update the statistics while training; evaluation,
/// `watch` and teachers read them frozen from the checkpoint.
public struct ObservationNormalizer: Equatable, Sendable {
    public private(set) var counts: [Double]
    public private(set) var means: [[Double]]
    public private(set) var squaredDeviations: [[Double]]
    public let clip: Double
    /// `1/√(M/n + ε)` per task and input, kept with the statistics so that normalising allocates nothing.
    private var scales: [[Double]]
    static let epsilon = 1e-8

    /// Empty statistics for tasks with these observation sizes.
    public init(observationSizes: [Int], clip: Double) {
        counts = Array(repeating: 0, count: observationSizes.count)
        means = observationSizes.map { Array(repeating: 0, count: $0) }
        squaredDeviations = means
        scales = means
        self.clip = clip
    }

    /// Merges every row of `observations` into task i's statistics.
    public mutating func update(task i: Int, with observations: Tensor) {
        let rows = observations.rows, columns = observations.columns
        guard rows > 0 else { return }
        let countA = counts[i], countB = Double(rows), total = countA + countB
        for column in 0..<columns {
            var batchMean = 0.0
            for row in 0..<rows { batchMean += Double(observations[row, column]) }
            batchMean /= countB
            var batchDeviations = 0.0
            for row in 0..<rows {
                let deviation = Double(observations[row, column]) - batchMean
                batchDeviations += deviation * deviation
            }
            let delta = batchMean - means[i][column]
            means[i][column] += delta * countB / total
            squaredDeviations[i][column] += batchDeviations + delta * delta * countA * countB / total
            scales[i][column] = 1 / (squaredDeviations[i][column] / total + Self.epsilon).squareRoot()
        }
        counts[i] = total
    }

    /// Normalises task i's `observations` in place.
    public func normalize(_ observations: inout Tensor, task i: Int) {
        guard counts[i] > 0 else { return }
        let columns = observations.columns
        let scales = scales[i], mean = means[i]
        observations.storage.withUnsafeMutableBufferPointer { values in
            for index in values.indices {
                let column = index % columns
                values[index] = Float(min(max((Double(values[index]) - mean[column]) * scales[column], -clip), clip))
            }
        }
    }

    /// Statistics read back from a checkpoint; nil unless the shapes match, every value is finite, counts are
    /// whole and non-negative, and squared deviations are non-negative.
    public init?(counts: [Double], means: [[Double]], squaredDeviations: [[Double]], clip: Double) {
        guard counts.count == means.count, means.count == squaredDeviations.count,
            zip(means, squaredDeviations).allSatisfy({ $0.count == $1.count }),
            counts.allSatisfy({ $0 >= 0 && $0.isFinite && $0 == $0.rounded() }),
            means.joined().allSatisfy(\.isFinite), squaredDeviations.joined().allSatisfy({ $0.isFinite && $0 >= 0 })
        else { return nil }
        self.counts = counts
        self.means = means
        self.squaredDeviations = squaredDeviations
        scales = zip(counts, squaredDeviations).map { count, deviations in
            deviations.map { count > 0 ? 1 / ($0 / count + Self.epsilon).squareRoot() : 0 }
        }
        self.clip = clip
    }
}
