import Agents
import Environments
import NeuralNetworks
import Randomness
import TestSupport
import Testing

/// What the actor records: rewards for learning, clipped when the preset asks.
@Suite struct RolloutCollectorTests {
    /// `reward_clip: c` stores `clip(r, ±c)` and changes nothing else: Pendulum's rewards (−16.3…0) clipped to
    /// ±1 equal the unclipped run's rewards clamped, step for step, with the same actions.
    @Test func rewardClipClampsTheLearningRewardsOnly() throws {
        let suite = try Catalogue.repository.loadSuite("classic-control").selecting(["Pendulum-v1"])
        let policy = MultiTaskPolicy(tasks: suite.tasks, configuration: .tiny, seed: 5)
        let popArt = PopArt(tasks: 1, enabled: false, beta: 0, sigmaMin: 1, sigmaMax: 1)
        func collect(rewardClip: Double) -> TaskRollout {
            var configuration = AgentConfiguration.tiny
            configuration.rewardClip = rewardClip
            let collector = RolloutCollector(tasks: suite.tasks, heads: policy.tasks, configuration: configuration, seed: 11, threads: 1)
            var rng = RandomGenerator(seed: 3, stream: 1)
            var statistics = [TaskStatistics()]
            collector.collect(policy: policy, popArt: popArt, using: &rng, statistics: &statistics)
            return collector.rollouts[0]
        }
        let raw = collect(rewardClip: 0), clipped = collect(rewardClip: 1)
        #expect(raw.actions == clipped.actions)
        #expect(raw.rewards.contains { $0 < -1 }, "Pendulum gives rewards below −1, so the clip is exercised")
        #expect(clipped.rewards == raw.rewards.map { min(max($0, -1), 1) })
    }
}
