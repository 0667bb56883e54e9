import Environments
import NeuralNetworks
import Randomness

/// The one way Chorus draws actions from a policy head: for the trainer's and the distiller's actors,
/// the evaluator and the viewer.
///
/// - Categorical head with logits z: `a ~ softmax(z)`, or `a = argmax z` when deterministic; the action is the index.
/// - Gaussian head with mean μ and state-independent log σ: `u = μ + σ·ε`, `ε ~ N(0, I)`, or `u = μ` when
///   deterministic. The log-probability is that of the unclipped `u`; only the action handed to the
///   environment is clipped to the box, `a = clip(u, low, high)`, so the policy gradient sees the density
///   that produced the sample.
/// - Uniform (`PolicyChoice.random`): `uniform(space:rows:using:into:)`, no network needed.
///
/// Rows are drawn in order from the caller's generator, so the same seed gives the same actions.
public struct ActionSampler {
    public let kind: TaskHead.Kind
    /// The categorical distribution of the last draw (for probabilities and Distral's log-ratios).
    public private(set) var categorical = Categorical(logits: Tensor(rows: 0, columns: 0))
    private var draw: [Float]

    public init(kind: TaskHead.Kind) {
        self.kind = kind
        draw = Array(repeating: 0, count: kind.actionSize)
    }

    /// Draws one action per row of `output` (logits, or Gaussian means with `logStd`): the actions to step
    /// with go to `step` (`rows × actionSize` values); the unclipped draws to `unclipped` and their
    /// log-probabilities to `logProbabilities` when given.
    public mutating func sample(
        from output: Tensor, logStd: [Float], deterministic: Bool, using rng: inout RandomGenerator,
        step: UnsafeMutableBufferPointer<Float>, unclipped: UnsafeMutableBufferPointer<Float>? = nil,
        logProbabilities: UnsafeMutableBufferPointer<Double>? = nil
    ) {
        switch kind {
        case .categorical:
            categorical.update(logits: output)
            for row in 0..<output.rows {
                let action = deterministic ? categorical.mode(row: row) : categorical.sample(row: row, using: &rng)
                step[row] = Float(action)
                unclipped?[row] = Float(action)
                logProbabilities?[row] = Double(categorical.logProbability(row: row, action: action))
            }
        case .gaussian(let low, let high):
            let gaussian = DiagonalGaussian(mean: output, logStd: logStd)
            let dimensions = low.count
            for row in 0..<output.rows {
                draw.withUnsafeMutableBufferPointer { u in
                    if deterministic {
                        for k in 0..<dimensions { u[k] = output[row, k] }
                    } else {
                        gaussian.sample(row: row, into: u.baseAddress!, using: &rng)
                    }
                    logProbabilities?[row] = Double(gaussian.logProbability(row: row, action: u.baseAddress!))
                    for k in 0..<dimensions {
                        unclipped?[row * dimensions + k] = u[k]
                        step[row * dimensions + k] = min(max(u[k], low[k]), high[k])
                    }
                }
            }
        }
    }

    /// How many 64-bit words a stochastic draw of one row takes from the generator, whatever the head's outputs
    /// (a categorical draw one uniform; a Gaussian two per dimension, for Box–Muller), so a data-parallel rank
    /// can skip the draws of the other ranks' environments.
    public var wordsPerRow: Int {
        switch kind {
        case .categorical: 1
        case .gaussian(let low, _): 2 * low.count
        }
    }

    /// Uniformly random actions for `rows` environments of `space`, written to `step`.
    public static func uniform(space: Space, rows: Int, using rng: inout RandomGenerator, into step: UnsafeMutableBufferPointer<Float>) {
        let size = space.flatSize
        for row in 0..<rows {
            space.sample(into: .init(start: step.baseAddress! + row * size, count: size), using: &rng)
        }
    }
}
