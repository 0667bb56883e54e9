import Environments
import Foundation
import NeuralNetworks
import TestSupport
import Testing

@testable import Agents

/// Per-task running observation normalisation: the merge, the clip, checkpoints and the collector's use of it.
@Suite struct ObservationNormalizerTests {
    @Test func batchMergesEqualTheWholeSamplesStatistics() {
        let samples: [[Float]] = [[1, 10], [2, 20], [4, 40], [8, 80], [16, 160], [-3, 0.5], [7, 7]]
        var normalizer = ObservationNormalizer(observationSizes: [2, 3], clip: 10)
        normalizer.update(task: 0, with: Tensor(rows: 3, columns: 2, values: samples[0..<3].flatMap { $0 }))
        normalizer.update(task: 0, with: Tensor(rows: 1, columns: 2, values: samples[3]))
        normalizer.update(task: 0, with: Tensor(rows: 3, columns: 2, values: samples[4...].flatMap { $0 }))
        for column in 0..<2 {
            let values = samples.map { Double($0[column]) }
            let mean = values.reduce(0, +) / 7
            let deviations = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            #expect(abs(normalizer.means[0][column] - mean) < 1e-12)
            #expect(abs(normalizer.squaredDeviations[0][column] - deviations) < 1e-9)
        }
        #expect(normalizer.counts == [7, 0], "the other task is untouched")
    }

    @Test func normalisedInputsAreStandardisedAndClipped() {
        var normalizer = ObservationNormalizer(observationSizes: [1], clip: 2)
        normalizer.update(task: 0, with: Tensor(rows: 4, columns: 1, values: [0, 2, 4, 6]))  // mean 3, variance 5
        var inputs = Tensor(rows: 3, columns: 1, values: [3, 3 + Float(5.0.squareRoot()), 100])
        normalizer.normalize(&inputs, task: 0)
        #expect(abs(inputs[0, 0]) < 1e-6 && abs(inputs[1, 0] - 1) < 1e-5 && inputs[2, 0] == 2)
        var untouched = Tensor(rows: 1, columns: 1, values: [5])
        ObservationNormalizer(observationSizes: [1], clip: 2).normalize(&untouched, task: 0)
        #expect(untouched[0, 0] == 5, "no statistics yet: inputs pass through")
    }

    @Test func actorsUpdateTheStatisticsCheckpointsKeepThemAndResumingIsExact() throws {
        var c = AgentConfiguration.tiny
        c.normalizeObservations = true
        let tasks = ActorCriticLearnerTests.mixed.tasks
        let whole = ActorCriticLearner(tasks: tasks, configuration: c, seed: 4)
        let first = ActorCriticLearner(tasks: tasks, configuration: c, seed: 4)
        for _ in 0..<2 {
            try whole.iterate()
            try first.iterate()
        }
        let statistics = try #require(first.policy.observationNormalizer)
        #expect(statistics.counts.allSatisfy { $0 == Double(2 * c.rolloutSteps * c.environmentsPerTask) })
        let stored = first.learningRollouts[0].observations
        #expect(stored.storage.allSatisfy { abs($0) <= Float(c.observationClip) }, "rollouts hold what the network saw")
        let resumed = ActorCriticLearner(tasks: tasks, configuration: c, seed: 4)
        try resumed.restore(from: first.checkpoint(suite: "test"))
        #expect(resumed.policy.observationNormalizer == statistics)
        for _ in 0..<2 {
            try whole.iterate()
            try resumed.iterate()
        }
        #expect(whole.policy.parameters.map(\.value.storage) == resumed.policy.parameters.map(\.value.storage))
        var broken = first.checkpoint(suite: "test")
        broken.contents.set(CheckpointLayout.observationSquaredDeviations(task: 1), doubles: [-1, 0, 0])
        #expect(throws: CheckpointError.self) { try ActorCriticLearner(tasks: tasks, configuration: c, seed: 4).restore(from: broken) }
    }
}
