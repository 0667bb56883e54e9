import Environments

/// What one task did during a log interval: finished episodes and the learner's losses.
public struct TaskStatistics: Equatable, Sendable {
    public var episodes = 0
    public var returnSum = 0.0
    public var lengthSum = 0.0
    public var successes = 0
    public var policyLoss = 0.0
    public var valueLoss = 0.0
    public var entropy = 0.0
    public var updates = 0
    /// Distral: `KL(π_i ‖ π₀)` and π₀'s entropy, summed over updates like the losses.
    public var distilledKullbackLeibler = 0.0
    public var distilledEntropy = 0.0
    /// The policy's drift from the acting policy, `E[(ρ − 1) − log ρ]`, and the fraction of samples with
    /// `|ρ − 1| > ε` (PPO), summed over updates like the losses.
    public var approximateKullbackLeibler = 0.0
    public var clipFraction = 0.0
    /// `1 − Var(G − V)/Var(G)` of each rollout's returns and acting-time values, summed over `rollouts`.
    public var explainedVariance = 0.0
    public var rollouts = 0
    /// V-trace's importance weights `ρ_t = π(a_t|s_t)/μ(a_t|s_t)` of the samples learned from: their sum, how
    /// many exceeded ρ̄ (and were clipped), and how many there were.
    public var importanceWeightSum = 0.0
    public var importanceWeightsClipped = 0
    public var importanceWeights = 0
    /// Gradient surgery: the mean cosine of this task's shared-parameter gradient with the other tasks', summed over `cosines` minibatches.
    public var gradientCosineSum = 0.0
    public var gradientCosines = 0

    public init() {}

    /// Adds another record's finished episodes (an actor's, collected while the learner updated).
    public mutating func addEpisodes(of other: TaskStatistics) {
        episodes += other.episodes
        returnSum += other.returnSum
        lengthSum += other.lengthSum
        successes += other.successes
    }

    public mutating func record(_ episode: EpisodeRecord, solvedReturn: Double) {
        episodes += 1
        returnSum += episode.totalReward
        lengthSum += Double(episode.length)
        if episode.succeeded(solvedReturn: solvedReturn) { successes += 1 }
    }

    public var meanReturn: Double { episodes > 0 ? returnSum / Double(episodes) : .nan }
    public var meanLength: Double { episodes > 0 ? lengthSum / Double(episodes) : .nan }
    public var successRate: Double { episodes > 0 ? Double(successes) / Double(episodes) : .nan }
    public var meanPolicyLoss: Double { updates > 0 ? policyLoss / Double(updates) : .nan }
    public var meanValueLoss: Double { updates > 0 ? valueLoss / Double(updates) : .nan }
    public var meanEntropy: Double { updates > 0 ? entropy / Double(updates) : .nan }
    public var meanDistilledKullbackLeibler: Double { updates > 0 ? distilledKullbackLeibler / Double(updates) : .nan }
    public var meanDistilledEntropy: Double { updates > 0 ? distilledEntropy / Double(updates) : .nan }
    public var meanApproximateKullbackLeibler: Double { updates > 0 ? approximateKullbackLeibler / Double(updates) : .nan }
    public var meanClipFraction: Double { updates > 0 ? clipFraction / Double(updates) : .nan }
    public var meanExplainedVariance: Double { rollouts > 0 ? explainedVariance / Double(rollouts) : .nan }
    public var meanGradientCosine: Double { gradientCosines > 0 ? gradientCosineSum / Double(gradientCosines) : .nan }
    public var meanImportanceWeight: Double { importanceWeights > 0 ? importanceWeightSum / Double(importanceWeights) : .nan }
    public var importanceWeightClipFraction: Double {
        importanceWeights > 0 ? Double(importanceWeightsClipped) / Double(importanceWeights) : .nan
    }

    /// How many numbers `encoded` holds (checkpoints written before the PPO diagnostics hold the first 10,
    /// before the V-trace weights the first 14, before gradient surgery the first 17).
    public static let encodedCount = 19
    static let earlierEncodedCounts = [10, 14, 17]

    /// The numbers, for a checkpoint.
    public var encoded: [Double] {
        [
            Double(episodes), returnSum, lengthSum, Double(successes), policyLoss, valueLoss, entropy, Double(updates),
            distilledKullbackLeibler, distilledEntropy, approximateKullbackLeibler, clipFraction, explainedVariance, Double(rollouts),
            importanceWeightSum, Double(importanceWeightsClipped), Double(importanceWeights), gradientCosineSum, Double(gradientCosines),
        ]
    }

    /// The statistics `encoded` wrote; nil unless the counts are whole numbers in 0...2^40 and every sum is finite.
    public init?(encoded v: [Double]) {
        func count(_ x: Double) -> Int? { Int(exactly: x).flatMap { (0...(1 << 40)).contains($0) ? $0 : nil } }
        guard v.count == Self.encodedCount || Self.earlierEncodedCounts.contains(v.count), v.allSatisfy(\.isFinite),
            let episodes = count(v[0]), let successes = count(v[3]), successes <= episodes, let updates = count(v[7])
        else { return nil }
        self.episodes = episodes; returnSum = v[1]; lengthSum = v[2]; self.successes = successes
        policyLoss = v[4]; valueLoss = v[5]; entropy = v[6]; self.updates = updates
        distilledKullbackLeibler = v[8]; distilledEntropy = v[9]
        if v.count >= 14 {
            guard let rollouts = count(v[13]) else { return nil }
            approximateKullbackLeibler = v[10]; clipFraction = v[11]; explainedVariance = v[12]; self.rollouts = rollouts
        }
        if v.count >= 17 {
            guard let clipped = count(v[15]), let weights = count(v[16]), clipped <= weights else { return nil }
            importanceWeightSum = v[14]; importanceWeightsClipped = clipped; importanceWeights = weights
        }
        if v.count >= 19 {
            guard let cosines = count(v[18]) else { return nil }
            gradientCosineSum = v[17]; gradientCosines = cosines
        }
    }
}
