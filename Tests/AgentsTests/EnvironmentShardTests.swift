import Agents
import Environments
import NeuralNetworks
import Randomness
import TestSupport
import Testing

/// Data-parallel ranks act as their slice of one process: rank r of R with n environments per task steps
/// environments [r·n, (r+1)·n) of a single run with R·n, with the same actions, and keeps the same generator.
@Suite struct EnvironmentShardTests {
    /// Pendulum has `sampling_weight: 2`: twice the environments on every rank.
    @Test func shardsCollectTheirSliceOfTheSingleProcessRollout() throws {
        let suite = TaskSuite.fromText(
            """
            tasks:
              - {name: pole, env: CartPole-v1, solved_return: 475}
              - {name: pendulum, env: Pendulum-v1, solved_return: -200, sampling_weight: 2}
            """)
        var whole = AgentConfiguration.tiny, part = AgentConfiguration.tiny
        whole.environmentsPerTask = 6
        part.environmentsPerTask = 3
        let policy = MultiTaskPolicy(tasks: suite.tasks, configuration: whole, seed: 5)
        let popArt = PopArt(tasks: suite.tasks.count, enabled: false, beta: 0, sigmaMin: 1, sigmaMax: 1)
        func collect(_ configuration: AgentConfiguration, shard: EnvironmentShard) -> (RolloutCollector, RandomGenerator) {
            let collector = RolloutCollector(
                tasks: suite.tasks, heads: policy.tasks, configuration: configuration, seed: 11, threads: 1, shard: shard)
            var rng = RandomGenerator(seed: 3, stream: 1)
            var statistics = Array(repeating: TaskStatistics(), count: suite.tasks.count)
            for _ in 0..<3 { collector.collect(policy: policy, popArt: popArt, using: &rng, statistics: &statistics) }
            return (collector, rng)
        }
        let (single, singleGenerator) = collect(whole, shard: .whole)
        #expect(single.rollouts.map(\.environments) == [6, 12])
        #expect(single.stepsPerCollection == 18 * whole.rolloutSteps)
        for rank in 0..<2 {
            let (shard, generator) = collect(part, shard: EnvironmentShard(rank: rank, ranks: 2))
            #expect(generator == singleGenerator, "every rank's generator stays in step with the single process's")
            for i in suite.tasks.indices {
                let mine = shard.rollouts[i], all = single.rollouts[i]
                let size = mine.actionSize, width = mine.observations.columns, n = mine.environments
                #expect(all.environments == 2 * n)
                for t in 0..<part.rolloutSteps {
                    for b in 0..<n {
                        let row = t * n + b, wholeRow = t * 2 * n + rank * n + b
                        for k in 0..<size {
                            #expect(abs(mine.actions[row * size + k] - all.actions[wholeRow * size + k]) <= 1e-5)
                        }
                        for k in 0..<width { #expect(abs(mine.observations[row, k] - all.observations[wholeRow, k]) <= 1e-4) }
                        #expect(abs(mine.rewards[row] - all.rewards[wholeRow]) <= 1e-4)
                        #expect(abs(mine.logProbabilities[row] - all.logProbabilities[wholeRow]) <= 1e-4)
                    }
                }
            }
        }
    }
}
