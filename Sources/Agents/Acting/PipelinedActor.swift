import Environments
import NeuralNetworks
import Randomness

/// The actor of the pipelined actor–learner: collects rollout k+1 with its own copy of the parameters
/// θ_{k+1−L} while the learner computes θ_{k+1} from rollout k (L = `actor_lag`, 1 by default).
///
/// It keeps the learner's last L parameter sets (with their PopArt statistics), oldest first, and acts with
/// the oldest; the first L − 1 iterations act with θ₀, so the schedule is fixed from the start.
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
    /// How many updates the actor's parameters trail the learner's.
    let lag: Int
    /// The learner's latest parameter sets, flattened, with their PopArt statistics, oldest first (at most `lag`).
    private(set) var history: [(parameters: [Float], popArt: PopArt)] = []

    init(tasks: [Task], configuration: AgentConfiguration, seed: UInt64, collector: RolloutCollector, popArt: PopArt) {
        lag = configuration.actorLag
        policy = MultiTaskPolicy(tasks: tasks, configuration: configuration, seed: seed)
        self.popArt = popArt
        rng = RandomGenerator(seed: seed, stream: 0xAC7_0002)
        statistics = Array(repeating: TaskStatistics(), count: tasks.count)
        self.collector = collector
    }

    /// Fills the collector's rollouts with the actor's parameters.
    func collect() { collector.collect(policy: policy, popArt: popArt, using: &rng, statistics: &statistics) }

    /// Records the learner's new parameters and value statistics, and acts from now on with the oldest kept.
    func synchronize(with learner: MultiTaskPolicy, popArt: PopArt) {
        history.append((learner.parameters.flatMap(\.value.storage), popArt))
        if history.count > lag { history.removeFirst(history.count - lag) }
        load(history[0])
    }

    /// Replaces the kept parameter sets (older ones from a checkpoint, then the learner's current) and acts with the oldest.
    func restore(history saved: [(parameters: [Float], popArt: PopArt)]) {
        history = saved
        load(history[0])
    }

    private func load(_ entry: (parameters: [Float], popArt: PopArt)) {
        var offset = 0
        for parameter in policy.parameters {
            let count = parameter.value.count
            parameter.value.storage.withUnsafeMutableBufferPointer { destination in
                entry.parameters.withUnsafeBufferPointer { source in
                    destination.baseAddress!.update(from: source.baseAddress! + offset, count: count)
                }
            }
            offset += count
        }
        popArt = entry.popArt
    }
}
