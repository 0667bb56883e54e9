import Environments
import NeuralNetworks
import Randomness

/// The actor of actor-critic learning: steps every task's environments `rollout_steps` times with the
/// policy's current parameters and fills one `TaskRollout` per task.
///
/// For each step t and task i, with one forward pass for all tasks:
/// 0. with observation normalisation, merge `s_t` into the task's running statistics and normalise it;
/// 1. record `s_t`, `V(s_t)` (unnormalised with the task's PopArt statistics), `a_t ~ π_i(·|s_t)` and
///    `log μ(a_t|s_t)`; Distral adds the reward regularisation `(α/β)·log π₀(a_t|s_t) − (1/β)·log π_i(a_t|s_t)`
///    (box actions: its expectation under π_i, `−(α/β)·KL(π_i ‖ π₀)(s_t) + ((1 − α)/β)·H(π_i)(s_t)`);
/// 2. step: `r_t ← clip(reward·reward_scale, ±reward_clip) + regularisation` (no clip when `reward_clip` is
///    0), `γ_t ← 0` if the episode ended, else γ; episode returns in the statistics stay unclipped;
/// 3. bootstrap on truncation, not on termination: a truncated episode's reward gains `γ·V(s_final)`,
///    read from the observation the environment reached before its automatic reset.
///
/// After the last step, `V(s_T)` of every environment is the rollout's bootstrap. Actions are drawn from
/// the caller's generator in a fixed order (task by task, environment by environment).
public final class RolloutCollector {
    public let tasks: [Task]
    public let rolloutSteps: Int
    public let gamma: Double
    /// Learning rewards are clipped to `[−rewardClip, rewardClip]`; 0 leaves them as they are.
    public let rewardClip: Double
    /// The rollouts of the last `collect`, one per task.
    public private(set) var rollouts: [TaskRollout]
    let environments: EnvironmentLoop
    /// Data-parallel runs: every rank's raw observations of one task at this step, in rank order, so that
    /// each rank merges the same batch into the normalisation statistics as a single process stepping all
    /// ranks' environments would (nil in one process).
    var gatherObservations: ((Tensor) -> Tensor)?
    private var distilledDistributions: [Categorical]

    public init(
        tasks: [Task], heads: [TaskHead], configuration c: AgentConfiguration, seed: UInt64, threads: Int, shard: EnvironmentShard = .whole
    ) {
        self.tasks = tasks
        rolloutSteps = c.rolloutSteps
        gamma = c.gamma
        rewardClip = c.rewardClip
        environments = EnvironmentLoop(
            tasks: tasks, heads: heads, environmentsPerTask: c.environmentsPerTask, seed: seed, threads: threads, shard: shard)
        rollouts = heads.indices.map { [environments] i in
            TaskRollout(
                steps: c.rolloutSteps, environments: environments.environmentCounts[i], observationSize: heads[i].observationSize,
                actionSize: heads[i].kind.actionSize)
        }
        distilledDistributions = heads.map { _ in Categorical(logits: Tensor(rows: 1, columns: 1)) }
    }

    /// Environment steps taken by one `collect` (all tasks).
    public var stepsPerCollection: Int { environments.stepsPerStep * rolloutSteps }

    /// Fills `rollouts` with `rollout_steps` steps of every task, acting with `policy` whose values are read
    /// with `popArt`; finished episodes go to `statistics`.
    public func collect(policy: MultiTaskPolicy, popArt: PopArt, using rng: inout RandomGenerator, statistics: inout [TaskStatistics]) {
        let counts = environments.environmentCounts
        for t in 0..<rolloutSteps {
            environments.loadObservations()
            normalizeInputs(of: policy, updating: true)
            for i in tasks.indices { rollouts[i].observations.copyRows(0..<counts[i], of: environments.inputs[i], to: t * counts[i]) }
            policy.forward(environments.inputs)
            for i in tasks.indices { act(task: i, step: t, policy: policy, popArt: popArt, using: &rng) }
            environments.step()
            var anyTruncated = false
            for i in tasks.indices {
                let n = counts[i], batch = environments.batches[i], scale = tasks[i].spec.rewardScale
                for b in 0..<n {
                    var reward = batch.rewards[b] * scale
                    if rewardClip > 0 { reward = min(max(reward, -rewardClip), rewardClip) }
                    rollouts[i].rewards[t * n + b] = reward + rollouts[i].regularization[t * n + b]
                    rollouts[i].discounts[t * n + b] = batch.terminated[b] || batch.truncated[b] ? 0 : gamma
                    if batch.truncated[b] && !batch.terminated[b] { anyTruncated = true }
                }
            }
            environments.recordFinishedEpisodes(into: &statistics)
            if anyTruncated { bootstrapTruncations(step: t, policy: policy, popArt: popArt) }
        }
        environments.loadObservations()
        normalizeInputs(of: policy, updating: false)
        policy.forward(environments.inputs)
        for i in tasks.indices {
            rollouts[i].lastObservations.copyRows(0..<counts[i], of: environments.inputs[i])
            let values = policy.valueOutput(i)
            for b in 0..<counts[i] { rollouts[i].bootstrap[b] = popArt.unnormalize(Double(values[b, 0]), task: i) }
        }
    }

    /// Hands the collected rollouts over for `other` (same shapes), which the next `collect` overwrites.
    public func exchangeRollouts(_ other: inout [TaskRollout]) { swap(&rollouts, &other) }

    /// Normalises the loaded observations with the acting policy's statistics, first merging them in when `updating`
    /// (each step's observations, once; the rollout stores what the network saw).
    private func normalizeInputs(of policy: MultiTaskPolicy, updating: Bool) {
        guard policy.observationNormalizer != nil else { return }
        for i in tasks.indices {
            if updating {
                let batch = gatherObservations?(environments.inputs[i]) ?? environments.inputs[i]
                policy.observationNormalizer!.update(task: i, with: batch)
            }
            environments.normalizeInputs(task: i) { policy.normalize(&$0, task: i) }
        }
    }

    /// Samples task i's actions from the last forward pass and records them at the rollout rows of `step`.
    private func act(task i: Int, step: Int, policy: MultiTaskPolicy, popArt: PopArt, using rng: inout RandomGenerator) {
        let n = environments.environmentCounts[i], row = step * n
        let head = policy.tasks[i]
        let values = policy.valueOutput(i)
        for b in 0..<n { rollouts[i].values[row + b] = popArt.unnormalize(Double(values[b, 0]), task: i) }
        let size = head.kind.actionSize
        // The rollout's slices for these rows, moved out so the sampler can write them directly.
        var actions = [Float](), logProbabilities = [Double]()
        swap(&actions, &rollouts[i].actions); swap(&logProbabilities, &rollouts[i].logProbabilities)
        defer { swap(&actions, &rollouts[i].actions); swap(&logProbabilities, &rollouts[i].logProbabilities) }
        actions.withUnsafeMutableBufferPointer { actions in
            logProbabilities.withUnsafeMutableBufferPointer { logProbabilities in
                environments.sample(
                    task: i, from: policy.actionLogits(i), logStd: policy.actionLogStd(i), using: &rng,
                    unclipped: .init(rebasing: actions[(row * size)..<((row + n) * size)]),
                    logProbabilities: .init(rebasing: logProbabilities[row..<(row + n)]))
            }
        }
        // Distral: the reward regularisation `(α/β)·log π₀(a|s) − (1/β)·log π_i(a|s)` of each action taken,
        // or on a box action space its expectation under π_i in closed form.
        guard let distral = policy.distral, distral.isRegularized else { return }
        switch head.kind {
        case .categorical:
            distilledDistributions[i].update(logits: policy.distilledOutput(i))
            for b in 0..<n {
                rollouts[i].regularization[row + b] = Distral.rewardRegularization(
                    logTask: logProbabilities[row + b],
                    logDistilled: Double(distilledDistributions[i].logProbability(row: b, action: Int(environments.actions[i][b]))),
                    alpha: distral.alpha, beta: distral.distralBeta)
            }
        case .gaussian:
            let taskPolicy = DiagonalGaussian(mean: policy.actionLogits(i), logStd: policy.actionLogStd(i))
            let distilled = DiagonalGaussian(mean: policy.distilledOutput(i), logStd: policy.distilledLogStd(i))
            for b in 0..<n {
                rollouts[i].regularization[row + b] = Distral.rewardRegularization(
                    task: taskPolicy, distilled: distilled, row: b, alpha: distral.alpha, beta: distral.distralBeta)
            }
        }
    }

    /// Adds `γ·V(s_final)` to the reward of every truncated (not terminated) episode at the rollout rows of `step`.
    private func bootstrapTruncations(step: Int, policy: MultiTaskPolicy, popArt: PopArt) {
        environments.loadObservations(final: true)
        normalizeInputs(of: policy, updating: false)
        policy.forward(environments.inputs)
        for i in tasks.indices {
            let n = environments.environmentCounts[i], row = step * n
            let batch = environments.batches[i], values = policy.valueOutput(i)
            for b in 0..<n where batch.truncated[b] && !batch.terminated[b] {
                rollouts[i].rewards[row + b] += gamma * popArt.unnormalize(Double(values[b, 0]), task: i)
            }
        }
    }
}
