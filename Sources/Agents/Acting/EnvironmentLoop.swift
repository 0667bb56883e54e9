import Environments
import NeuralNetworks
import Randomness

/// Every task's batch of environments stepped together: observations out as network inputs, actions
/// in from a head's outputs, finished episodes handed to each task's statistics.
///
/// The acting half that the actor-critic `RolloutCollector` and the `Distiller` share. Task i's batch
/// is seeded from the run's seed on streams `i·2³² …`, so its episodes do not depend on the other tasks;
/// a data-parallel rank steps its `shard` of them (see `EnvironmentShard`).
final class EnvironmentLoop {
    let tasks: [Task]
    let shard: EnvironmentShard
    let batches: [any VectorEnvironment]
    /// Each task's number of environments (on this rank).
    let environmentCounts: [Int]
    let threads: Int
    /// Each task's observations as the network reads them (`environmentCounts[i]` rows), filled by `loadObservations`.
    private(set) var inputs: [Tensor]
    /// Each task's actions for the next step, as the environments take them (clipped to their boxes).
    private(set) var actions: [[Float]]
    private var samplers: [ActionSampler]

    init(tasks: [Task], heads: [TaskHead], environmentsPerTask: Int, seed: UInt64, threads: Int, shard: EnvironmentShard = .whole) {
        self.tasks = tasks
        self.shard = shard
        let counts = tasks.map { environmentsPerTask * $0.spec.samplingWeight }
        environmentCounts = counts
        self.threads = max(1, threads)
        batches = tasks.enumerated().map { i, task in
            task.prototype.makeBatch(
                count: counts[i], seed: seed, stream: (UInt64(i) << 32) + UInt64(shard.firstEnvironment(environmentsPerRank: counts[i])))
        }
        inputs = heads.indices.map { Tensor(rows: counts[$0], columns: heads[$0].observationSize) }
        actions = heads.indices.map { Array(repeating: 0, count: counts[$0] * heads[$0].kind.actionSize) }
        samplers = heads.map { ActionSampler(kind: $0.kind) }
    }

    /// Copies every task's current observations into `inputs`; with `final`, the observations each
    /// environment reached on its last step before an automatic reset (for bootstrapping truncations).
    func loadObservations(final: Bool = false) {
        for i in tasks.indices {
            let observations = final ? batches[i].finalObservations : batches[i].observations
            inputs[i].storage.withUnsafeMutableBufferPointer { destination in
                observations.withUnsafeBufferPointer { source in
                    destination.baseAddress!.update(from: source.baseAddress!, count: destination.count)
                }
            }
        }
    }

    /// Transforms task i's loaded inputs in place (observation normalisation).
    func normalizeInputs(task i: Int, _ transform: (inout Tensor) -> Void) { transform(&inputs[i]) }

    /// Draws task i's actions from a head's `outputs` (see `ActionSampler`); the unclipped draws and
    /// their log-probabilities go to `unclipped` and `logProbabilities` when given. A data-parallel rank
    /// skips the words the other ranks' environments draw, before and after its own.
    func sample(
        task i: Int, from outputs: Tensor, logStd: [Float], using rng: inout RandomGenerator,
        unclipped: UnsafeMutableBufferPointer<Float>? = nil, logProbabilities: UnsafeMutableBufferPointer<Double>? = nil
    ) {
        let before = shard.firstEnvironment(environmentsPerRank: environmentCounts[i])
        let after = (shard.ranks - shard.rank - 1) * environmentCounts[i]
        for _ in 0..<(before * samplers[i].wordsPerRow) { _ = rng.next() }
        actions[i].withUnsafeMutableBufferPointer { step in
            samplers[i].sample(
                from: outputs, logStd: logStd, deterministic: false, using: &rng, step: step, unclipped: unclipped,
                logProbabilities: logProbabilities)
        }
        for _ in 0..<(after * samplers[i].wordsPerRow) { _ = rng.next() }
    }

    /// Environment steps taken by one step of every task's batch.
    var stepsPerStep: Int { environmentCounts.reduce(0, +) }

    /// Steps every environment with its sampled action (tasks on up to `threads` threads).
    func step() { ParallelStep.step(batches, actions: actions, threads: threads) }

    /// Hands every task's finished episodes to its statistics.
    func recordFinishedEpisodes(into statistics: inout [TaskStatistics]) {
        for i in tasks.indices {
            for episode in batches[i].takeFinishedEpisodes() { statistics[i].record(episode, solvedReturn: tasks[i].spec.solvedReturn) }
        }
    }
}
