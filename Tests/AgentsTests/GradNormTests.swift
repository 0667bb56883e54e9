import Environments
import Randomness
import TestSupport
import Testing

@testable import Agents

/// GradNorm with α = 0: task weights that equalise the tasks' gradient norms on the shared parameters.
@Suite struct GradNormTests {
    @Test func oneStepMovesTheWeightsTowardEqualNormsAndKeepsTheirSum() {
        // norms (1, 3), weights (1, 1), η = 0.1: G = (1, 3), Ḡ = 2, so w = (1 + 0.1·1, 1 − 0.1·3) = (1.1, 0.7),
        // renormalised to sum 2: (1.1, 0.7)·2/1.8.
        var gradNorm = GradNorm(tasks: 2, rate: 0.1)
        #expect(gradNorm.combine([[1, 0], [0, 3]]) == [1, 3], "weights start at 1: the plain sum")
        gradNorm.update(gradientNorms: [1, 3])
        #expect(abs(gradNorm.weights[0] - 1.1 * 2 / 1.8) < 1e-12 && abs(gradNorm.weights[1] - 0.7 * 2 / 1.8) < 1e-12)
        let combined = gradNorm.combine([[1, 0], [0, 3]])
        #expect(abs(combined[0] - gradNorm.weights[0]) < 1e-12 && abs(combined[1] - 3 * gradNorm.weights[1]) < 1e-12)
    }

    @Test func repeatedStepsSettleWhereTheWeightedNormsAreEqual() {
        var gradNorm = GradNorm(tasks: 3, rate: 0.01)
        for _ in 0..<2000 { gradNorm.update(gradientNorms: [1, 2, 4]) }
        let weighted = zip(gradNorm.weights, [1.0, 2, 4]).map { $0 * $1 }
        #expect(abs(gradNorm.weights.reduce(0, +) - 3) < 1e-9)
        #expect(weighted.max()! - weighted.min()! < 0.1, "w_i‖g_i‖ equal up to the step size: \(weighted)")
        #expect(gradNorm.restoring(weights: [1, -1, 3]) == nil && gradNorm.restoring(weights: [1, 1]) == nil)
    }

    @Test func theLearnerWeightsTasksAndResumesItsWeightsExactly() throws {
        let suite = try Catalogue.repository.loadSuite("classic-control").selecting(["CartPole-v1", "Acrobot-v1", "Pendulum-v1"])
        var configuration = AgentConfiguration.tiny
        configuration.algorithm = .ppo
        configuration.gradientSurgery = .gradnorm
        configuration.gradNormRate = 0.05
        let learner = ActorCriticLearner(tasks: suite.tasks, configuration: configuration, seed: 3, threads: 1)
        for _ in 0..<3 {
            learner.collectRollout()
            try learner.update()
        }
        let weights = learner.gradNorm.weights
        #expect(weights != [1, 1, 1] && abs(weights.reduce(0, +) - 3) < 1e-9, "\(weights)")
        let resumed = ActorCriticLearner(tasks: suite.tasks, configuration: configuration, seed: 3, threads: 1)
        try resumed.restore(from: learner.checkpoint(suite: "test"))
        #expect(resumed.gradNorm == learner.gradNorm)
        for trainer in [learner, resumed] {
            trainer.collectRollout()
            try trainer.update()
        }
        #expect(resumed.checkpoint(suite: "test").contents.entries == learner.checkpoint(suite: "test").contents.entries)
    }
}
