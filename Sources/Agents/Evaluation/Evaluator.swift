import Environments
import NeuralNetworks
import Randomness

/// Headless evaluation: N fixed-seed episodes per task with a trained policy, and the same episodes
/// with a uniform random policy for the normalised score.
///
/// Task j's episodes run as N environments seeded `(seed, stream j·2³² + e)`, one episode each, so the
/// random baseline faces exactly the same initial states as the policy.
public struct Evaluator {
    public var episodes: Int
    public var seed: UInt64
    public var deterministic: Bool
    /// Which policy acts: the task policies (default), Distral's π₀, or uniformly random actions.
    public var choice: PolicyChoice

    public init(episodes: Int, seed: UInt64, deterministic: Bool, choice: PolicyChoice = .trained) {
        self.episodes = episodes
        self.seed = seed
        self.deterministic = deterministic
        self.choice = choice
    }

    /// Evaluates `tasks`; `policyTask[j]` is task j's index in `policy` (whose tasks it was trained on).
    public func evaluate(suite: String, tasks: [Task], policy: MultiTaskPolicy, popArt: PopArt, policyTask: [Int]) -> EvaluationReport {
        evaluate(suite: suite, tasks: tasks, actors: policyTask.map { (policy, $0) })
    }

    /// Evaluates `tasks` with task j acted by `actors[j]`: a network and the index of the task in it
    /// (for example each task's own teacher). Episodes and seeds are those of the other form.
    public func evaluate(suite: String, tasks: [Task], actors: [(policy: MultiTaskPolicy, task: Int)]) -> EvaluationReport {
        let rows = tasks.enumerated().map { j, task in
            let random = randomReturns(task: task, index: j)
            let trained =
                choice == .random
                ? randomEpisodes(task: task, index: j)
                : run(task: task, index: j) { observations, actions, rng in
                    act(policy: actors[j].policy, task: actors[j].task, observations: observations, actions: &actions, rng: &rng)
                }
            return summarize(task: task, episodes: trained, randomReturn: random)
        }
        return EvaluationReport(suite: suite, tasks: rows)
    }

    /// The mean return of the uniform random policy on task `task`'s evaluation episodes.
    public func randomReturns(task: Task, index j: Int) -> Double {
        let episodes = randomEpisodes(task: task, index: j)
        return episodes.map(\.totalReward).reduce(0, +) / Double(max(episodes.count, 1))
    }

    /// Task j's evaluation episodes under the uniform random policy.
    func randomEpisodes(task: Task, index j: Int) -> [EpisodeRecord] {
        let space = task.actionSpace
        return run(task: task, index: j) { _, actions, rng in
            actions.withUnsafeMutableBufferPointer { ActionSampler.uniform(space: space, rows: episodes, using: &rng, into: $0) }
        }
    }

    func summarize(task: Task, episodes: [EpisodeRecord], randomReturn: Double) -> TaskEvaluation {
        let returns = episodes.map(\.totalReward)
        let mean = returns.reduce(0, +) / Double(max(returns.count, 1))
        let variance = returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(returns.count, 1))
        let successes = episodes.filter { $0.succeeded(solvedReturn: task.spec.solvedReturn) }.count
        return TaskEvaluation(
            name: task.name, env: task.spec.env, episodes: returns.count, meanReturn: mean, stdReturn: variance.squareRoot(),
            successRate: Double(successes) / Double(max(returns.count, 1)),
            normalizedScore: TaskEvaluation.normalizedScore(mean, random: randomReturn, solved: task.spec.solvedReturn),
            solved: mean >= task.spec.solvedReturn, randomReturn: randomReturn)
    }

    /// Runs one episode in each of `episodes` environments; `choose` fills the actions for all of them.
    func run(task: Task, index j: Int, choose: (_ observations: [Float], _ actions: inout [Float], _ rng: inout RandomGenerator) -> Void)
        -> [EpisodeRecord]
    {
        let batch = task.prototype.makeBatch(count: episodes, seed: seed, stream: UInt64(j) << 32)
        var rng = RandomGenerator(seed: seed, stream: 0xE7A1_0000 + UInt64(j))
        var actions = [Float](repeating: 0, count: episodes * task.actionSpace.flatSize)
        var first = [EpisodeRecord?](repeating: nil, count: episodes)
        var remaining = episodes
        while remaining > 0 {
            choose(batch.observations, &actions, &rng)
            actions.withUnsafeBufferPointer { batch.step(actions: $0) }
            for record in batch.takeFinishedEpisodes() where first[record.environment] == nil {
                first[record.environment] = record
                remaining -= 1
            }
        }
        return first.map { $0! }
    }

    private func act(policy: MultiTaskPolicy, task i: Int, observations: [Float], actions: inout [Float], rng: inout RandomGenerator) {
        let head = policy.tasks[i]
        var inputs = policy.tasks.map { Tensor(rows: 0, columns: $0.observationSize) }
        inputs[i] = Tensor(rows: episodes, columns: head.observationSize, values: observations)
        policy.normalize(&inputs[i], task: i)
        policy.forward(inputs)
        var sampler = ActionSampler(kind: head.kind)
        actions.withUnsafeMutableBufferPointer { step in
            sampler.sample(
                from: policy.actionOutput(task: i, choice: choice), logStd: policy.actionLogStd(task: i, choice: choice),
                deterministic: deterministic, using: &rng, step: step)
        }
    }
}
