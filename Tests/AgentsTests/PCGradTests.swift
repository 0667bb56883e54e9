import Environments
import Randomness
import TestSupport
import Testing

@testable import Agents

/// PCGrad against hand-computed projections (Yu et al. 2020, Algorithm 1).
@Suite struct PCGradTests {
    @Test func conflictingGradientsAreProjectedOffEachOther() {
        // g1 = (1, 0), g2 = (−1, 1): g1·g2 = −1 < 0.
        // g1^PC = g1 − (−1/2)·g2 = (0.5, 0.5); g2^PC = g2 − (−1/1)·g1 = (0, 1); sum (0.5, 1.5).
        var rng = RandomGenerator(seed: 1)
        let combined = PCGrad.combine([[1, 0], [-1, 1]], using: &rng)
        #expect(combined == [0.5, 1.5])
        #expect(abs(PCGrad.meanCosine([[1, 0], [-1, 1]], task: 0) + 0.5.squareRoot()) < 1e-12)
    }

    @Test func agreeingGradientsAreSummedUnchanged() {
        var rng = RandomGenerator(seed: 1)
        #expect(PCGrad.combine([[1, 2], [3, 1], [0.5, 0]], using: &rng) == [4.5, 3])
        #expect(PCGrad.combine([[1, -2]], using: &rng) == [1, -2], "one task: its own gradient")
    }

    @Test func theOrderMattersWithThreeTasksAndComesFromTheGenerator() {
        // g1 = (1, 0, 0) conflicts with g2 = (−1, 1, 0) and g3 = (−1, 0, 1); g2 and g3 do not conflict.
        // g1 off g2 first: (0.5, 0.5, 0), then off g3 (overlap −0.5): (0.25, 0.5, 0.25); off g3 first: (0.25, 0.25, 0.5).
        // g2 and g3 each lose their conflict with g1 alone: (0, 1, 0) and (0, 0, 1). So the sum is
        // (0.25, 1.5, 1.25) or (0.25, 1.25, 1.5), by the order drawn for task 1.
        let gradients: [[Double]] = [[1, 0, 0], [-1, 1, 0], [-1, 0, 1]]
        var a = RandomGenerator(seed: 3), b = RandomGenerator(seed: 3)
        #expect(PCGrad.combine(gradients, using: &a) == PCGrad.combine(gradients, using: &b), "same generator, same result")
        var seen: Set<[Double]> = []
        for seed in UInt64(1)...20 {
            var rng = RandomGenerator(seed: seed)
            seen.insert(PCGrad.combine(gradients, using: &rng))
        }
        #expect(seen == [[0.25, 1.5, 1.25], [0.25, 1.25, 1.5]])
    }
}

/// PCGrad in the learner: only the shared parameters' gradient changes; the conflict is reported.
@Suite struct PCGradLearnerTests {
    @Test func surgeryTouchesOnlySharedParametersAndReportsCosines() throws {
        var plain = AgentConfiguration.tiny
        plain.algorithm = .ppo
        plain.minibatches = 1
        plain.epochs = 1
        var surgery = plain
        surgery.gradientSurgery = .pcgrad
        let tasks = ActorCriticLearnerTests.mixed.tasks
        let a = ActorCriticLearner(tasks: tasks, configuration: plain, seed: 6)
        let b = ActorCriticLearner(tasks: tasks, configuration: surgery, seed: 6)
        a.collectRollout()
        b.collectRollout()
        let rows = a.rollouts.map { Array(0..<$0.count) }
        let targets = a.rollouts.map(\.rewards), advantages = a.rollouts.map(\.rewards)
        _ = try a.minibatchGradients(rows: rows, targets: targets, advantages: advantages, clipRange: 0.2)
        _ = try b.minibatchGradients(rows: rows, targets: targets, advantages: advantages, clipRange: 0.2)
        let shared = Set(b.policy.sharedParameters.map(\.name))
        #expect(shared.contains { $0.hasPrefix("torso") }, "the torso is shared: \(shared.sorted())")
        var sharedDiffers = false
        for (plainParameter, surgeryParameter) in zip(a.policy.parameters, b.policy.parameters) {
            let difference = zip(plainParameter.gradient.storage, surgeryParameter.gradient.storage).map { abs($0 - $1) }.max() ?? 0
            if shared.contains(plainParameter.name) {
                if difference > 1e-6 { sharedDiffers = true }
            } else {
                #expect(difference < 1e-5, "\(plainParameter.name): a task's own parameters keep the plain gradient")
            }
        }
        #expect(sharedDiffers, "three tasks with conflicting gradients: the surgery changes the shared gradient")
        let cosines = b.statistics.map(\.meanGradientCosine)
        #expect(cosines.allSatisfy { $0.isFinite && $0 >= -1 - 1e-9 && $0 <= 1 + 1e-9 }, "\(cosines)")
    }
}
