import Environments
import NeuralNetworks
import Randomness

/// Saving and restoring everything a run needs to continue bit for bit.
extension ActorCriticLearner {
    /// Parameters, optimizer state, PopArt statistics, counters, random streams and environment states.
    public func checkpoint(suite: String) -> Checkpoint {
        var checkpoint = Checkpoint(
            parameters: policy.parameters, optimizer: optimizer,
            metadata: CheckpointLayout.identity(of: self, suite: suite))
        if communicator.size > 1 { checkpoint.metadata[CheckpointLayout.ranks] = String(communicator.size) }
        checkpoint.contents.set(CheckpointLayout.progress, words: [UInt64(environmentSteps), UInt64(updates)])
        checkpoint.contents.set(CheckpointLayout.rng, words: rng.stateWords)
        CheckpointLayout.store(popArt, in: &checkpoint)
        CheckpointLayout.storeObservationStatistics(of: policy, in: &checkpoint)
        checkpoint.contents.set(CheckpointLayout.statistics, doubles: statistics.flatMap(\.encoded))
        if configuration.gradientSurgery == .gradnorm { checkpoint.contents.set(CheckpointLayout.gradNormWeights, doubles: gradNorm.weights) }
        for (i, batch) in collector.environments.batches.enumerated() {
            let snapshot = batch.snapshot()
            checkpoint.contents.set(CheckpointLayout.environmentValues(task: i), doubles: snapshot.values)
            checkpoint.contents.set(CheckpointLayout.environmentWords(task: i), words: snapshot.words)
        }
        if let actor {
            checkpoint.contents.set(CheckpointLayout.actorRNG, words: actor.rng.stateWords)
            for (index, entry) in actor.history.dropLast().enumerated() {
                checkpoint.contents.set(
                    CheckpointLayout.laggedParameters(index), Tensor(rows: 1, columns: entry.parameters.count, values: entry.parameters))
                checkpoint.contents.set(CheckpointLayout.laggedPopArt(index, "mean"), doubles: entry.popArt.means)
                checkpoint.contents.set(CheckpointLayout.laggedPopArt(index, "second_moment"), doubles: entry.popArt.secondMoments)
            }
            if hasPendingRollout {
                for (i, rollout) in learningRollouts.enumerated() { CheckpointLayout.storePending(rollout, task: i, in: &checkpoint) }
            }
        }
        return checkpoint
    }

    /// Data-parallel runs: gathers every rank's own statistics, environment snapshots and (pipelined) pending
    /// rollout into rank 0's `checkpoint` (collective: every rank calls it; only rank 0's checkpoint changes).
    public func gatherRankStates(into checkpoint: inout Checkpoint) {
        guard communicator.size > 1 else { return }
        let mine = self.checkpoint(suite: "").contents
        for name in CheckpointLayout.rankLocalEntries(tasks: tasks.count) {
            guard let entry = mine.entries[name] else { continue }
            let all = communicator.allgather(CheckpointLayout.packed(entry))
            guard communicator.isRoot else { continue }
            for rank in 1..<communicator.size {
                checkpoint.contents.entries[CheckpointLayout.rankEntry(name, rank: rank)] = CheckpointLayout.unpacked(all[rank], dtype: entry.dtype)
            }
        }
    }

    /// Continues from `checkpoint`, written by a trainer with the same tasks and configuration.
    /// Every saved value is checked (counters in range, statistics finite, environment states valid for
    /// their tasks); when one is not, the trainer is left exactly as it was.
    public func restore(from checkpoint: Checkpoint) throws(CheckpointError) {
        let current = self.checkpoint(suite: "")
        do { try apply(checkpoint) } catch {
            try? apply(current)
            throw error
        }
    }

    private func apply(_ checkpoint: Checkpoint) throws(CheckpointError) {
        let c = checkpoint.contents
        guard let progress = c.words(CheckpointLayout.progress), progress.count == 2,
            let words = c.words(CheckpointLayout.rng), let generator = RandomGenerator(stateWords: words),
            let (means, moments) = try CheckpointLayout.popArtStatistics(in: checkpoint, tasks: tasks.count),
            let stats = c.doubles(CheckpointLayout.statistics), stats.count % tasks.count == 0
        else {
            throw CheckpointError(problem: "the checkpoint has no training state to resume from")
        }
        guard let steps = Int(exactly: progress[0]), steps <= Self.maximumCounter,
            let updateCount = Int(exactly: progress[1]), updateCount <= Self.maximumCounter
        else {
            throw CheckpointError(problem: "state.progress holds \(progress[0]) steps and \(progress[1]) updates, beyond \(Self.maximumCounter)")
        }
        var restoredStatistics: [TaskStatistics] = []
        let width = stats.count / tasks.count  // TaskStatistics.encodedCount, or fewer in older checkpoints
        for i in tasks.indices {
            let slice = Array(stats[(width * i)..<(width * (i + 1))])
            guard let taskStatistics = TaskStatistics(encoded: slice) else {
                throw CheckpointError(problem: "the saved statistics of task '\(tasks[i].name)' are invalid (non-finite or out-of-range counts)")
            }
            restoredStatistics.append(taskStatistics)
        }
        let observationStatistics = try CheckpointLayout.observationStatistics(in: checkpoint, for: policy)
        var restoredGradNorm = gradNorm
        if configuration.gradientSurgery == .gradnorm {
            guard let saved = c.doubles(CheckpointLayout.gradNormWeights), let weights = gradNorm.restoring(weights: saved) else {
                throw CheckpointError(problem: "\(CheckpointLayout.gradNormWeights) is missing or not one positive weight per task")
            }
            restoredGradNorm = weights
        }
        var pending = learningRollouts, actorGenerator: RandomGenerator?
        var laggedHistory: [(parameters: [Float], popArt: PopArt)] = []
        if actor != nil {
            guard let words = c.words(CheckpointLayout.actorRNG), let generator = RandomGenerator(stateWords: words) else {
                throw CheckpointError(problem: "the checkpoint has no actor generator (state.actor.rng) for this pipelined run")
            }
            actorGenerator = generator
            let parameterCount = policy.parameters.reduce(0) { $0 + $1.value.count }
            var index = 0
            while let saved = c.tensor(CheckpointLayout.laggedParameters(index)) {
                guard saved.count == parameterCount, saved.storage.allSatisfy(\.isFinite),
                    let means = c.doubles(CheckpointLayout.laggedPopArt(index, "mean")), means.count == tasks.count,
                    let moments = c.doubles(CheckpointLayout.laggedPopArt(index, "second_moment")), moments.count == tasks.count,
                    (means + moments).allSatisfy(\.isFinite), moments.allSatisfy({ $0 >= 0 })
                else {
                    throw CheckpointError(
                        problem: "the actor's lagged parameters \(CheckpointLayout.laggedParameters(index)) are misshapen or not finite")
                }
                var lagged = popArt
                lagged.restore(means: means, secondMoments: moments)
                laggedHistory.append((saved.storage, lagged))
                index += 1
            }
            guard laggedHistory.count < configuration.actorLag else {
                throw CheckpointError(
                    problem:
                        "the checkpoint keeps \(laggedHistory.count) lagged parameter sets; actor_lag \(configuration.actorLag) keeps at most \(configuration.actorLag - 1)"
                )
            }
            if steps > 0 {
                for i in tasks.indices { try CheckpointLayout.readPending(task: i, from: checkpoint, into: &pending[i]) }
            }
        }
        try checkpoint.restore(into: policy.parameters)
        try checkpoint.restore(optimizer: optimizer)
        environmentSteps = steps
        updates = updateCount
        rng = generator
        popArt.restore(means: means, secondMoments: moments)
        policy.observationNormalizer = observationStatistics
        statistics = restoredStatistics
        gradNorm = restoredGradNorm
        if let actor, let actorGenerator {
            learningRollouts = pending
            hasPendingRollout = steps > 0
            actor.rng = actorGenerator
            actor.restore(history: laggedHistory + [(policy.parameters.flatMap(\.value.storage), popArt)])
            actor.policy.observationNormalizer = observationStatistics
        }
        for (i, batch) in collector.environments.batches.enumerated() {
            guard let values = c.doubles(CheckpointLayout.environmentValues(task: i)), let words = c.words(CheckpointLayout.environmentWords(task: i))
            else {
                throw CheckpointError(problem: "the checkpoint has no environment state for task '\(tasks[i].name)'")
            }
            do { try batch.restore(BatchSnapshot(values: values, words: words)) } catch {
                throw CheckpointError(problem: "task '\(tasks[i].name)': \(error.problem)")
            }
        }
    }

    /// The largest step or update counter a checkpoint may hold (far beyond any run, far below overflow).
    static let maximumCounter = 1 << 50

    /// Restores PopArt statistics only (for evaluating a checkpoint); throws when they are saved but not finite.
    public static func popArt(from checkpoint: Checkpoint, tasks: Int, configuration: AgentConfiguration) throws(CheckpointError) -> PopArt {
        var popArt = PopArt(tasks: tasks, configuration: configuration)
        if let (means, moments) = try CheckpointLayout.popArtStatistics(in: checkpoint, tasks: tasks) {
            popArt.restore(means: means, secondMoments: moments)
        }
        return popArt
    }
}
