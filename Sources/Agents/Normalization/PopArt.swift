import NeuralNetworks

/// Per-task adaptive normalisation of value targets that preserves the network's outputs (PopArt).
///
/// van Hasselt et al. 2016; Hessel et al. 2019. Task i keeps running moments μ_i, ν_i (Double) and
/// `σ_i = sqrt(clip(ν_i − μ_i², σ_min², σ_max²))`. Its value head outputs the normalised value n_i;
/// the value is `V_i = σ_i·n_i + μ_i`.
///
/// - ART, **one sequential EMA update per target** (β is a per-sample step size, so a batch of n
///   targets moves the statistics by `1 − (1−β)^n`): `μ ← (1−β)μ + βY`, `ν ← (1−β)ν + βY²`.
/// - POP, after the statistics move from (μ, σ) to (μ', σ'), on the value head's last layer:
///   `W' = (σ/σ')·W`, `b' = (σ·b + μ − μ')/σ'` (computed in Double), so `σ'n' + μ' = σn + μ` exactly
///   in real arithmetic.
///
/// Disabled, it is the identity (μ = 0, σ = 1, no updates), so one code path serves both.
public struct PopArt: Equatable, Sendable {
    public var enabled: Bool
    public var beta: Double
    public var sigmaMin: Double
    public var sigmaMax: Double
    public private(set) var means: [Double]
    public private(set) var secondMoments: [Double]

    public init(tasks: Int, enabled: Bool, beta: Double, sigmaMin: Double, sigmaMax: Double) {
        self.enabled = enabled
        self.beta = beta
        self.sigmaMin = sigmaMin
        self.sigmaMax = sigmaMax
        means = Array(repeating: 0, count: tasks)
        secondMoments = Array(repeating: 1, count: tasks)
    }

    public func mean(_ task: Int) -> Double { enabled ? means[task] : 0 }

    public func sigma(_ task: Int) -> Double {
        guard enabled else { return 1 }
        let variance = secondMoments[task] - means[task] * means[task]
        return min(max(variance, sigmaMin * sigmaMin), sigmaMax * sigmaMax).squareRoot()
    }

    /// `V = σ·n + μ`.
    public func unnormalize(_ n: Double, task: Int) -> Double { sigma(task) * n + mean(task) }
    /// `n = (V − μ)/σ`.
    public func normalize(_ value: Double, task: Int) -> Double { (value - mean(task)) / sigma(task) }

    /// ART on `targets` (in order), then POP on the layer producing task `task`'s normalised value.
    public mutating func update(task: Int, targets: [Double], valueLayer: Linear) {
        guard enabled, !targets.isEmpty else { return }
        let oldMean = mean(task), oldSigma = sigma(task)
        var mu = means[task], nu = secondMoments[task]
        for y in targets {
            mu = (1 - beta) * mu + beta * y
            nu = (1 - beta) * nu + beta * y * y
        }
        means[task] = mu
        secondMoments[task] = nu
        Self.preserveOutputs(of: valueLayer, from: (oldMean, oldSigma), to: (mean(task), sigma(task)))
    }

    /// POP: rescales a one-output layer so that `σ'·(W'h + b') + μ' = σ·(Wh + b) + μ` for every h.
    public static func preserveOutputs(of layer: Linear, from old: (mean: Double, sigma: Double), to new: (mean: Double, sigma: Double)) {
        precondition(layer.outputSize == 1, "PopArt rescales a one-output value layer")
        let ratio = old.sigma / new.sigma
        for i in 0..<layer.weight.value.count {
            layer.weight.value.storage[i] = Float(Double(layer.weight.value.storage[i]) * ratio)
        }
        let b = Double(layer.bias.value.storage[0])
        layer.bias.value.storage[0] = Float((old.sigma * b + old.mean - new.mean) / new.sigma)
    }

    /// Restores statistics saved with `means` and `secondMoments`.
    public mutating func restore(means: [Double], secondMoments: [Double]) {
        precondition(means.count == self.means.count && secondMoments.count == self.secondMoments.count)
        self.means = means
        self.secondMoments = secondMoments
    }
}

extension PopArt {
    /// Fresh statistics for `tasks` tasks with the preset's settings (`popart.enabled`, β, the σ floor and ceiling).
    public init(tasks: Int, configuration: AgentConfiguration) {
        self.init(
            tasks: tasks, enabled: configuration.popArt, beta: configuration.popArtBeta, sigmaMin: configuration.popArtSigmaMin,
            sigmaMax: configuration.popArtSigmaMax)
    }
}
