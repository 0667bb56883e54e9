import Environments
import NeuralNetworks

/// Where a run's checkpoint keeps each piece of its state: every metadata key and state tensor name, in one place.
///
/// Metadata (strings): `agent` (the resolved preset as YAML), `suite` (the reference the run was started
/// with), `tasks` (names, one per line), `seed`, `environment_steps`, for distilled students `teachers`
/// (files, one per line), for `best.safetensors` `score`, for data-parallel runs `ranks` (the number of MPI
/// ranks; absent means 1), and the saved suite (`SuiteDefinition`).
/// Tensors besides the parameters and `optimizer.*`: `state.progress` (U64 steps, updates), `state.rng`
/// (the run's generator), `state.popart.mean` and `state.popart.second_moment` (F64 per task),
/// `state.statistics` (F64, `TaskStatistics.encodedCount` per task), and per task i
/// `state.env.i.values` / `state.env.i.words` (its batch's snapshot); with observation normalisation
/// `state.observations.count` and `state.observations.i.{mean, squared_deviations}`; a data-parallel run's
/// latest checkpoint keeps every other rank r's own `state.rank.r.statistics` and `state.rank.r.env.i.{values,
/// words}` beside rank 0's (the parameters, optimizer, PopArt and generator are the same on every rank);
/// pipelined runs add `state.actor.rng`
/// and the rollout waiting for the learner, `state.pending.i.{observations, last_observations, actions,
/// log_probabilities, rewards, discounts, regularization, values, bootstrap}`.
public enum CheckpointLayout {
    public static let agent = "agent"
    public static let suite = "suite"
    public static let tasks = "tasks"
    public static let seed = "seed"
    public static let environmentSteps = "environment_steps"
    public static let teachers = "teachers"
    public static let score = "score"
    public static let ranks = "ranks"

    public static let progress = "state.progress"
    public static let rng = "state.rng"
    /// GradNorm's task weights (`gradient_surgery: gradnorm` only).
    public static let gradNormWeights = "state.gradnorm.weights"
    public static let popArtMean = "state.popart.mean"
    public static let popArtSecondMoment = "state.popart.second_moment"
    public static let statistics = "state.statistics"
    public static func environmentValues(task: Int) -> String { "state.env.\(task).values" }
    public static func environmentWords(task: Int) -> String { "state.env.\(task).words" }
    /// Observation normalisation: counts per task, and each task's means and squared deviations.
    public static let observationCounts = "state.observations.count"
    public static func observationMeans(task: Int) -> String { "state.observations.\(task).mean" }
    public static func observationSquaredDeviations(task: Int) -> String { "state.observations.\(task).squared_deviations" }

    /// Stores a policy's observation statistics (nothing when it does not normalise observations).
    public static func storeObservationStatistics(of policy: MultiTaskPolicy, in checkpoint: inout Checkpoint) {
        guard let normalizer = policy.observationNormalizer else { return }
        checkpoint.contents.set(observationCounts, doubles: normalizer.counts)
        for i in normalizer.means.indices {
            checkpoint.contents.set(observationMeans(task: i), doubles: normalizer.means[i])
            checkpoint.contents.set(observationSquaredDeviations(task: i), doubles: normalizer.squaredDeviations[i])
        }
    }

    /// The saved observation statistics for `policy` (nil when it does not normalise observations); throws when
    /// they are missing, misshapen or invalid.
    public static func observationStatistics(in checkpoint: Checkpoint, for policy: MultiTaskPolicy) throws(CheckpointError) -> ObservationNormalizer?
    {
        guard let current = policy.observationNormalizer else { return nil }
        let tasks = current.means.count
        guard let counts = checkpoint.contents.doubles(observationCounts), counts.count == tasks else {
            throw CheckpointError(problem: "the checkpoint has no observation statistics (\(observationCounts)) for \(tasks) tasks")
        }
        var means: [[Double]] = [], deviations: [[Double]] = []
        for i in 0..<tasks {
            means.append(checkpoint.contents.doubles(observationMeans(task: i)) ?? [])
            deviations.append(checkpoint.contents.doubles(observationSquaredDeviations(task: i)) ?? [])
        }
        guard means.map(\.count) == current.means.map(\.count),
            let restored = ObservationNormalizer(counts: counts, means: means, squaredDeviations: deviations, clip: current.clip)
        else {
            throw CheckpointError(problem: "the saved observation statistics are misshapen, not finite or negative")
        }
        return restored
    }

    /// Rank r's own copy of a rank-local entry (`statistics`, or an environment's) in a data-parallel checkpoint.
    public static func rankEntry(_ name: String, rank: Int) -> String {
        rank == 0 ? name : "state.rank.\(rank)." + name.dropFirst("state.".count)
    }

    /// The entries each rank of a data-parallel run holds its own of, for `tasks` tasks: its statistics,
    /// environments and, pipelined, the rollout waiting for its learner (absent entries are left out).
    static func rankLocalEntries(tasks: Int) -> [String] {
        [statistics]
            + (0..<tasks).flatMap { task in
                [environmentValues(task: task), environmentWords(task: task)] + pendingFields.map { pendingRollout(task: task, $0) }
            }
    }

    /// An entry as Doubles for a gather that copies bits: its shape's length, its shape, its byte count, then
    /// its bytes as the bit patterns of 8-byte words (the last one zero-padded).
    static func packed(_ entry: Safetensors.Entry) -> [Double] {
        var bytes = entry.bytes
        bytes.append(contentsOf: repeatElement(0, count: (8 - bytes.count % 8) % 8))
        let words = bytes.withUnsafeBytes { Array($0.bindMemory(to: UInt64.self)) }
        return [Double(entry.shape.count)] + entry.shape.map(Double.init) + [Double(entry.bytes.count)] + words.map { Double(bitPattern: $0) }
    }

    /// The entry `packed` made (of type `dtype`).
    static func unpacked(_ values: [Double], dtype: Safetensors.DType) -> Safetensors.Entry {
        let rank = Int(values[0]), shape = values[1..<(1 + rank)].map { Int($0) }, count = Int(values[rank + 1])
        let words = values[(rank + 2)...].map(\.bitPattern)
        let bytes = words.withUnsafeBytes { Array($0.prefix(count)) }
        return Safetensors.Entry(dtype: dtype, shape: shape, bytes: bytes)
    }

    /// `checkpoint` as rank `rank` resumes it: its own statistics, environments and pending rollout in place of rank 0's.
    public static func rankView(_ checkpoint: Checkpoint, rank: Int, tasks: Int) throws(CheckpointError) -> Checkpoint {
        guard rank > 0 else { return checkpoint }
        var view = checkpoint
        for name in rankLocalEntries(tasks: tasks) where checkpoint.contents.entries[name] != nil {
            guard let entry = checkpoint.contents.entries[rankEntry(name, rank: rank)] else {
                throw CheckpointError(problem: "the checkpoint has no \(rankEntry(name, rank: rank)) for rank \(rank)")
            }
            view.contents.entries[name] = entry
        }
        return view
    }

    /// Pipelined runs: the actor's generator, and the rollout waiting for the next update (`state.pending.i.*`).
    public static let actorRNG = "state.actor.rng"
    /// Pipelined runs with `actor_lag` > 1: the older parameter sets the actor keeps (flat F32) and their PopArt statistics.
    public static func laggedParameters(_ index: Int) -> String { "state.actor.lagged.\(index).parameters" }
    public static func laggedPopArt(_ index: Int, _ field: String) -> String { "state.actor.lagged.\(index).popart.\(field)" }
    public static func pendingRollout(task: Int, _ field: String) -> String { "state.pending.\(task).\(field)" }
    /// The fields of a pending rollout (`state.pending.i.<field>`).
    static let pendingFields = [
        "log_probabilities", "rewards", "discounts", "regularization", "values", "bootstrap", "observations", "last_observations", "actions",
    ]

    /// Stores task i's rollout waiting for the learner (pipelined runs).
    static func storePending(_ rollout: TaskRollout, task i: Int, in checkpoint: inout Checkpoint) {
        let contents = [
            ("log_probabilities", rollout.logProbabilities), ("rewards", rollout.rewards), ("discounts", rollout.discounts),
            ("regularization", rollout.regularization), ("values", rollout.values), ("bootstrap", rollout.bootstrap),
        ]
        for (field, values) in contents { checkpoint.contents.set(pendingRollout(task: i, field), doubles: values) }
        checkpoint.contents.set(pendingRollout(task: i, "observations"), rollout.observations)
        checkpoint.contents.set(pendingRollout(task: i, "last_observations"), rollout.lastObservations)
        checkpoint.contents.set(pendingRollout(task: i, "actions"), Tensor(rows: rollout.count, columns: rollout.actionSize, values: rollout.actions))
    }

    /// Task i's saved pending rollout, read into `rollout` (whose shapes it must have); throws when absent,
    /// misshapen or not finite.
    static func readPending(task i: Int, from checkpoint: Checkpoint, into rollout: inout TaskRollout) throws(CheckpointError) {
        func doubles(_ field: String, count: Int) throws(CheckpointError) -> [Double] {
            guard let values = checkpoint.contents.doubles(pendingRollout(task: i, field)), values.count == count, values.allSatisfy(\.isFinite)
            else {
                throw CheckpointError(problem: "\(pendingRollout(task: i, field)) is missing, misshapen or not finite")
            }
            return values
        }
        func tensor(_ field: String, like expected: Tensor) throws(CheckpointError) -> Tensor {
            guard let value = checkpoint.contents.tensor(pendingRollout(task: i, field)), value.rows == expected.rows,
                value.columns == expected.columns, value.storage.allSatisfy(\.isFinite)
            else {
                throw CheckpointError(problem: "\(pendingRollout(task: i, field)) is missing, misshapen or not finite")
            }
            return value
        }
        let count = rollout.count
        rollout.logProbabilities = try doubles("log_probabilities", count: count)
        rollout.rewards = try doubles("rewards", count: count)
        rollout.discounts = try doubles("discounts", count: count)
        rollout.regularization = try doubles("regularization", count: count)
        rollout.values = try doubles("values", count: count)
        rollout.bootstrap = try doubles("bootstrap", count: rollout.environments)
        rollout.observations = try tensor("observations", like: rollout.observations)
        rollout.lastObservations = try tensor("last_observations", like: rollout.lastObservations)
        rollout.actions = try tensor("actions", like: Tensor(rows: count, columns: rollout.actionSize)).storage
    }

    /// The metadata that says what a learner was trained on.
    public static func identity(of learner: any Learner, suite: String) -> [String: String] {
        [
            agent: learner.configuration.yaml,
            self.suite: suite,
            tasks: learner.tasks.map(\.name).joined(separator: "\n"),
            seed: String(learner.seed),
            environmentSteps: String(learner.environmentSteps),
        ]
    }

    /// Stores PopArt's statistics.
    public static func store(_ popArt: PopArt, in checkpoint: inout Checkpoint) {
        checkpoint.contents.set(popArtMean, doubles: popArt.means)
        checkpoint.contents.set(popArtSecondMoment, doubles: popArt.secondMoments)
    }

    /// The saved PopArt statistics for `tasks` tasks (nil when absent); throws when they are not finite
    /// or a second moment is negative.
    public static func popArtStatistics(in checkpoint: Checkpoint, tasks: Int) throws(CheckpointError) -> (means: [Double], secondMoments: [Double])?
    {
        guard let means = checkpoint.contents.doubles(popArtMean), means.count == tasks,
            let moments = checkpoint.contents.doubles(popArtSecondMoment), moments.count == tasks
        else { return nil }
        if let bad = (means + moments).first(where: { !$0.isFinite }) {
            throw CheckpointError(problem: "the saved PopArt statistics hold \(bad)")
        }
        if let negative = moments.first(where: { $0 < 0 }) {
            throw CheckpointError(problem: "a saved PopArt second moment is negative (\(negative))")
        }
        return (means, moments)
    }
}
