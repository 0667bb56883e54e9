import Foundation

/// The per-sample policy loss of actor-critic, and its slope in log π (the network's gradient follows by
/// the chain rule through the head's distribution).
///
/// With advantage Â, the current log-probability log π(a|s) and the behaviour policy's log μ(a|s):
/// - A2C (Mnih et al. 2016): `L = −Â·log π(a|s)`,  `∂L/∂log π = −Â`.
/// - PPO-clip (Schulman et al. 2017, eq. 7): `ρ = exp(log π − log μ)`,
///   `L = −min(ρ·Â, clip(ρ, 1−ε, 1+ε)·Â)`;  `∂L/∂log π = −Â·ρ` where the unclipped term is the minimum
///   (ties included), and 0 where the clipped term is (the gradient is cut off outside the trust region).
public enum PolicyGradientLoss: Equatable, Sendable {
    case a2c
    case ppo(clipRange: Double)

    /// The loss and `∂L/∂log π` of one sample.
    public func term(logProbability: Double, behaviourLogProbability: Double, advantage: Double) -> (loss: Double, slope: Double) {
        switch self {
        case .a2c:
            return (-advantage * logProbability, -advantage)
        case .ppo(let clipRange):
            let ratio = exp(logProbability - behaviourLogProbability)
            let clipped = min(max(ratio, 1 - clipRange), 1 + clipRange)
            let unclippedObjective = ratio * advantage, clippedObjective = clipped * advantage
            if unclippedObjective <= clippedObjective { return (-unclippedObjective, -advantage * ratio) }
            return (-clippedObjective, 0)
        }
    }
}
