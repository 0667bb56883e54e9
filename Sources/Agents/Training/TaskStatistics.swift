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

    public init() {}

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

    /// How many numbers `encoded` holds.
    public static let encodedCount = 10

    /// The numbers, for a checkpoint.
    public var encoded: [Double] {
        [Double(episodes), returnSum, lengthSum, Double(successes), policyLoss, valueLoss, entropy, Double(updates),
         distilledKullbackLeibler, distilledEntropy]
    }

    public init?(encoded v: [Double]) {
        guard v.count == Self.encodedCount else { return nil }
        episodes = Int(v[0]); returnSum = v[1]; lengthSum = v[2]; successes = Int(v[3])
        policyLoss = v[4]; valueLoss = v[5]; entropy = v[6]; updates = Int(v[7])
        distilledKullbackLeibler = v[8]; distilledEntropy = v[9]
    }
}
