import Environments
import NeuralNetworks
import Randomness

/// The actor of the pipelined actor–learner: collects rollout k+1 with its own copy of the parameters θ_k
/// while the learner computes θ_{k+1} from rollout k.
///
/// It owns everything it touches while the learner runs — the policy copy, PopArt's statistics as of θ_k,
/// its generator, the environments and the episodes they finish — so the two threads share nothing and the
/// numbers do not depend on which finishes first.
final class PipelinedActor {
    let policy: MultiTaskPolicy
    var popArt: PopArt
    var rng: RandomGenerator
    /// Episodes finished during the current collection (handed to the learner's statistics after it).
    var statistics: [TaskStatistics]
    let collector: RolloutCollector

    init(tasks: [Task], configuration: AgentConfiguration, seed: UInt64, collector: RolloutCollector, popArt: PopArt) {
        policy = MultiTaskPolicy(tasks: tasks, configuration: configuration, seed: seed)
        self.popArt = popArt
        rng = RandomGenerator(seed: seed, stream: 0xAC7_0002)
        statistics = Array(repeating: TaskStatistics(), count: tasks.count)
        self.collector = collector
    }

    /// Fills the collector's rollouts with the actor's parameters.
    func collect() { collector.collect(policy: policy, popArt: popArt, using: &rng, statistics: &statistics) }

    /// Takes the learner's parameters and value statistics.
    func synchronize(with learner: MultiTaskPolicy, popArt: PopArt) {
        for (mine, theirs) in zip(policy.parameters, learner.parameters) {
            mine.value.storage.withUnsafeMutableBufferPointer { destination in
                theirs.value.storage.withUnsafeBufferPointer { source in
                    destination.baseAddress!.update(from: source.baseAddress!, count: source.count)
                }
            }
        }
        self.popArt = popArt
    }
}
