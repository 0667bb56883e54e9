import NeuralNetworks

/// What the learner and its remote actors (`actor_learner: remote`) send each other, as flat `Double`s.
///
/// - A rollout (tag `rollout`, actor → learner): per task, the rollout's observations, actions, behaviour
///   log-probabilities, rewards, discounts, regularisation, values, bootstrap values and last observations,
///   then the statistics of the episodes that ended while it was collected (`TaskStatistics.encoded`'s
///   episode counts). Floats travel as Doubles, which hold them exactly.
/// - Parameters (tag `parameters`, learner → actor): `1`, every parameter flattened in `policy.parameters`
///   order, then PopArt's means and second moments; or `0` alone, which tells the actor to stop.
enum RemoteActorMessage {
    static let rolloutTag = 71
    static let parametersTag = 72

    /// The rollouts an actor collected and the episodes that ended meanwhile.
    static func rollout(_ rollouts: [TaskRollout], statistics: [TaskStatistics]) -> [Double] {
        var message: [Double] = []
        for (rollout, taskStatistics) in zip(rollouts, statistics) {
            message.append(contentsOf: rollout.observations.storage.lazy.map(Double.init))
            message.append(contentsOf: rollout.actions.lazy.map(Double.init))
            message += rollout.logProbabilities + rollout.rewards + rollout.discounts + rollout.regularization + rollout.values
            message += rollout.bootstrap
            message.append(contentsOf: rollout.lastObservations.storage.lazy.map(Double.init))
            message += [
                Double(taskStatistics.episodes), taskStatistics.returnSum, taskStatistics.lengthSum, Double(taskStatistics.successes),
            ]
        }
        return message
    }

    /// Reads a `rollout` message into `rollouts` (whose shapes it must have); returns each task's finished
    /// episodes, or nil when the message has another length.
    static func read(rollout message: [Double], into rollouts: inout [TaskRollout]) -> [TaskStatistics]? {
        let expected = rollouts.reduce(0) { total, r in
            total + r.observations.count + r.actions.count + 5 * r.count + r.bootstrap.count + r.lastObservations.count + 4
        }
        guard message.count == expected else { return nil }
        var offset = 0
        func take(_ count: Int) -> ArraySlice<Double> {
            defer { offset += count }
            return message[offset..<(offset + count)]
        }
        var statistics: [TaskStatistics] = []
        for i in rollouts.indices {
            let n = rollouts[i].count
            rollouts[i].observations.storage = take(rollouts[i].observations.count).map(Float.init)
            rollouts[i].actions = take(rollouts[i].actions.count).map(Float.init)
            rollouts[i].logProbabilities = Array(take(n))
            rollouts[i].rewards = Array(take(n))
            rollouts[i].discounts = Array(take(n))
            rollouts[i].regularization = Array(take(n))
            rollouts[i].values = Array(take(n))
            rollouts[i].bootstrap = Array(take(rollouts[i].bootstrap.count))
            rollouts[i].lastObservations.storage = take(rollouts[i].lastObservations.count).map(Float.init)
            let counts = Array(take(4))
            var episodes = TaskStatistics()
            episodes.episodes = Int(counts[0])
            episodes.returnSum = counts[1]
            episodes.lengthSum = counts[2]
            episodes.successes = Int(counts[3])
            statistics.append(episodes)
        }
        return statistics
    }

    /// The learner's parameters and PopArt statistics.
    static func parameters(of policy: MultiTaskPolicy, popArt: PopArt) -> [Double] {
        var message: [Double] = [1]
        for parameter in policy.parameters { message.append(contentsOf: parameter.value.storage.lazy.map(Double.init)) }
        return message + popArt.means + popArt.secondMoments
    }

    /// The message that stops an actor.
    static let stop: [Double] = [0]

    /// A `parameters` message as the actor's `(parameters, popArt)` entry (`popArt` supplies the settings);
    /// nil for `stop`.
    static func read(parameters message: [Double], count: Int, popArt: PopArt) -> (parameters: [Float], popArt: PopArt)? {
        guard message.first == 1 else { return nil }
        let tasks = popArt.means.count
        precondition(message.count == 1 + count + 2 * tasks, "a parameters message of \(message.count) numbers for \(count) parameters")
        var statistics = popArt
        statistics.restore(
            means: Array(message[(1 + count)..<(1 + count + tasks)]), secondMoments: Array(message[(1 + count + tasks)...]))
        return (message[1..<(1 + count)].map(Float.init), statistics)
    }
}
