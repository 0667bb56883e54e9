import Environments
import Foundation
import NeuralNetworks
import TestSupport
import Testing

@testable import Agents

/// The pipelined actor–learner: a fixed lag of one update, live V-trace weights, determinism and resumption.
@Suite struct PipelinedActorLearnerTests {
    static var configuration: AgentConfiguration {
        var c = AgentConfiguration.tiny
        c.popArt = true
        c.estimator = .vtrace
        c.actorLearner = .pipelined
        return c
    }

    func parameters(_ learner: ActorCriticLearner) -> [[Float]] { learner.policy.parameters.map(\.value.storage) }

    @Test func sameSeedSameBitsWhateverTheTimingAndThreads() throws {
        let tasks = ActorCriticLearnerTests.mixed.tasks
        let a = ActorCriticLearner(tasks: tasks, configuration: Self.configuration, seed: 5, threads: 1)
        let b = ActorCriticLearner(tasks: tasks, configuration: Self.configuration, seed: 5, threads: 2)
        for _ in 0..<6 {
            try a.iterate()
            try b.iterate()
            usleep(200)  // a different interleaving of the two roles
        }
        #expect(parameters(a) == parameters(b))
        #expect(a.popArt == b.popArt && a.statistics == b.statistics && a.environmentSteps == b.environmentSteps)
    }

    @Test func theActorLagsOneUpdateAndVTraceSeesIt() throws {
        let tasks = ActorCriticLearnerTests.mixed.tasks
        let learner = ActorCriticLearner(tasks: tasks, configuration: Self.configuration, seed: 2)
        try learner.iterate()
        // The first update learns from rollout 0, collected with θ₀ = the parameters it starts from: ρ = 1.
        for task in learner.statistics { #expect(abs(task.meanImportanceWeight - 1) < 1e-5) }
        #expect(learner.environmentSteps == 2 * learner.stepsPerIteration, "rollouts 0 and 1 are collected")
        let actor = try #require(learner.actor)
        #expect(actor.policy.parameters.map(\.value.storage) == parameters(learner), "the actor takes θ₁ after the iteration")
        for i in learner.statistics.indices { learner.statistics[i] = TaskStatistics() }
        try learner.iterate()
        // Rollout 1 was collected with θ₀ and is learned by θ₁: the weights differ from 1.
        let weights = learner.statistics.map(\.meanImportanceWeight)
        #expect(weights.allSatisfy(\.isFinite) && weights.contains { abs($0 - 1) > 1e-4 }, "mean ρ per task: \(weights)")
        var metrics = IntervalMetrics(step: learner.environmentSteps, tasks: tasks.map(\.name))
        learner.addMetrics(to: &metrics)
        #expect(metrics.value("impala/policy_lag") == 1 && metrics.value("impala/mean_rho", task: 0) != nil)
    }

    @Test(arguments: [1, 3])
    func checkpointResumesBitIdentically(lag: Int) throws {
        let tasks = ActorCriticLearnerTests.mixed.tasks
        var c = Self.configuration
        c.actorLag = lag
        let whole = ActorCriticLearner(tasks: tasks, configuration: c, seed: 9)
        let first = ActorCriticLearner(tasks: tasks, configuration: c, seed: 9)
        for _ in 0..<3 {
            try whole.iterate()
            try first.iterate()
        }
        let file = Fixtures.temporaryDirectory().appendingPathComponent("pipelined.safetensors")
        try first.checkpoint(suite: "test").write(to: file)
        let resumed = ActorCriticLearner(tasks: tasks, configuration: c, seed: 9)
        try resumed.restore(from: Checkpoint.read(from: file))
        for _ in 0..<3 {
            try whole.iterate()
            try resumed.iterate()
        }
        #expect(parameters(whole) == parameters(resumed))
        #expect(whole.popArt == resumed.popArt && whole.statistics == resumed.statistics && whole.environmentSteps == resumed.environmentSteps)
    }

    @Test func aLongerLagActsWithOlderParameters() throws {
        let tasks = ActorCriticLearnerTests.mixed.tasks
        var c = Self.configuration
        c.actorLag = 3
        let learner = ActorCriticLearner(tasks: tasks, configuration: c, seed: 2)
        var snapshots: [[[Float]]] = [learner.policy.parameters.map(\.value.storage)]
        for _ in 0..<5 {
            try learner.iterate()
            snapshots.append(learner.policy.parameters.map(\.value.storage))
        }
        // After update k (k = 5 here) the actor holds θ_{k+1−L} = θ₃.
        let actor = try #require(learner.actor)
        #expect(actor.policy.parameters.map(\.value.storage) == snapshots[3])
        #expect(actor.history.count == 3)
    }

    @Test func aCheckpointWithoutThePendingRolloutIsRefused() throws {
        let tasks = ActorCriticLearnerTests.mixed.tasks
        let learner = ActorCriticLearner(tasks: tasks, configuration: Self.configuration, seed: 9)
        try learner.iterate()
        var checkpoint = learner.checkpoint(suite: "test")
        checkpoint.contents.entries[CheckpointLayout.pendingRollout(task: 1, "rewards")] = nil
        let fresh = ActorCriticLearner(tasks: tasks, configuration: Self.configuration, seed: 9)
        let before = parameters(fresh)
        #expect(throws: CheckpointError.self) { try fresh.restore(from: checkpoint) }
        #expect(parameters(fresh) == before, "a refused checkpoint changes nothing")
    }
}

/// Learning bars for the newer recipes: MinAtar Breakout with the conv network, and pipelined PopArt-IMPALA.
@Suite struct RecipeLearningTests {
    @Test(.tags(.learning), .learningEnabled) func minAtarPpoBeatsRandomOnBreakout() throws {
        // Random play scores 0.2 on Breakout-v1; 250k steps of `minatar-ppo` (about 20 s) reach 4–5.
        let returns = try LearningRun.meanReturns(
            suite: "minatar-breakout", configuration: .preset("minatar-ppo"), steps: 250_000, seed: 1, episodes: 20, deterministic: false)
        #expect(returns[0] >= 3, "mean return \(returns[0])")
    }

    @Test(.tags(.learning), .learningEnabled) func pipelinedPopArtImpalaLearnsCartPole() throws {
        // Random play: 21; the synchronous recipe reaches ≈ 190 with this budget.
        let preset = AgentConfiguration.preset("popart-impala")
        #expect(preset.actorLearner == .pipelined)
        let returns = try LearningRun.meanReturns(
            suite: "cartpole", configuration: preset, steps: 300_000, seed: 1, episodes: 10, deterministic: false)
        #expect(returns[0] >= 150, "mean return \(returns[0])")
    }
}
