import Agents
import Foundation
import Testing

/// PPO-clip, A2C and the (clipped) value loss: hand-computed values on every branch, and slopes that match
/// finite differences away from the kinks.
@Suite struct ActorCriticLossTests {
    /// (log π, log μ, Â) → (loss, ∂L/∂log π), computed by hand with ε = 0.2.
    static let ppoCases: [(name: String, logProbability: Double, advantage: Double, ratio: Double, loss: Double, slope: Double)] = [
        ("inside the trust region", log(1.1), 2, 1.1, -2.2, -2.2),
        ("Â > 0, ρ above 1+ε: clipped, no gradient", log(1.5), 2, 1.5, -2.4, 0),
        ("Â < 0, ρ below 1−ε: clipped, no gradient", log(0.5), -1, 0.5, 0.8, 0),
        ("Â < 0, ρ above 1+ε: the unclipped term is the minimum", log(1.5), -1, 1.5, 1.5, 1.5),
        ("Â > 0, ρ below 1−ε: the unclipped term is the minimum", log(0.5), 1, 0.5, -0.5, -0.5),
    ]

    @Test(arguments: 0..<ppoCases.count)
    func ppoClipBranches(case index: Int) {
        let c = Self.ppoCases[index]
        let loss = PolicyGradientLoss.ppo(clipRange: 0.2)
        let behaviour = -0.7  // any behaviour log-probability: only the ratio matters
        let term = loss.term(logProbability: c.logProbability + behaviour, behaviourLogProbability: behaviour, advantage: c.advantage)
        #expect(abs(term.loss - c.loss) < 1e-12 && abs(term.slope - c.slope) < 1e-12, "\(c.name): \(term)")
        let h = 1e-6
        let plus = loss.term(logProbability: c.logProbability + behaviour + h, behaviourLogProbability: behaviour, advantage: c.advantage).loss
        let minus = loss.term(logProbability: c.logProbability + behaviour - h, behaviourLogProbability: behaviour, advantage: c.advantage).loss
        #expect(abs((plus - minus) / (2 * h) - term.slope) < 1e-6, "\(c.name): finite difference")
    }

    @Test func a2cIsTheScoreFunctionLoss() {
        let term = PolicyGradientLoss.a2c.term(logProbability: -0.5, behaviourLogProbability: -3, advantage: 3)
        #expect(term.loss == 1.5 && term.slope == -3, "the behaviour policy plays no part")
        // PPO at ρ = 1 has A2C's slope: −Â (the two agree on-policy to first order).
        let onPolicy = PolicyGradientLoss.ppo(clipRange: 0.2).term(logProbability: -0.5, behaviourLogProbability: -0.5, advantage: 3)
        #expect(onPolicy.slope == -3 && onPolicy.loss == -3)
    }

    /// (n, y, n₀) → (loss, ∂L/∂n) with ε_v = 0.2, by hand.
    static let valueCases: [(name: String, prediction: Double, target: Double, acting: Double, loss: Double, slope: Double)] = [
        ("the unclipped loss is larger", 1, 0, 0.5, 0.5, 1),
        ("the clipped loss is larger, outside the range: no gradient", 1, 2, 0.5, 0.845, 0),
        ("inside the range both agree", 0.6, 2, 0.5, 0.98, -1.4),
        ("below the range, clipped larger", 0, -1, 0.5, 0.5 * 1.3 * 1.3, 0),
    ]

    @Test(arguments: 0..<valueCases.count)
    func valueClippingBranches(case index: Int) {
        let c = Self.valueCases[index]
        let term = ValueLoss(clipRange: 0.2).term(prediction: c.prediction, target: c.target, acting: c.acting)
        #expect(abs(term.loss - c.loss) < 1e-12 && abs(term.slope - c.slope) < 1e-12, "\(c.name): \(term)")
        let h = 1e-6
        let plus = ValueLoss(clipRange: 0.2).term(prediction: c.prediction + h, target: c.target, acting: c.acting).loss
        let minus = ValueLoss(clipRange: 0.2).term(prediction: c.prediction - h, target: c.target, acting: c.acting).loss
        #expect(abs((plus - minus) / (2 * h) - term.slope) < 1e-5, "\(c.name): finite difference")
    }

    @Test func unclippedValueLossIsHalfTheSquaredError() {
        let term = ValueLoss().term(prediction: 3, target: 1, acting: 100)
        #expect(term.loss == 2 && term.slope == 2)
    }
}
