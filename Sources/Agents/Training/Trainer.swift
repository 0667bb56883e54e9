import Dispatch
import Environments
import Foundation
import NeuralNetworks
import Randomness

/// Synchronous multi-task actor-critic (A2C or PPO-clip) with optional per-task PopArt.
///
/// Each iteration collects `rollout_steps` steps from every task's batch of environments with one
/// forward pass per step for all tasks, then runs `update`. Every random draw comes from the run's
/// generator (actions, minibatch order) or the environments' own seeded streams, in a fixed order,
/// so the same seed gives the same numbers bit for bit, whatever `threads` is.
public final class Trainer {
    public let tasks: [Task]
    public let configuration: AgentConfiguration
    public let seed: UInt64
    public let policy: MultiTaskPolicy
    public internal(set) var popArt: PopArt
    /// Schedule, gradient reduction, clipping, finite check and the optimizer, shared with the distiller.
    public var optimization: OptimizationStep
    public var optimizer: any Optimizer { optimization.optimizer }
    public internal(set) var environmentSteps = 0
    public internal(set) var updates = 0
    /// Statistics of the current log interval, one per task.
    public var statistics: [TaskStatistics]

    let batches: [any VectorEnvironment]
    var rng: RandomGenerator
    let threads: Int
    private var rollouts: [TaskRollout]
    private var inputs: [Tensor]
    private var stepActions: [[Float]]
    private var distributions: [Categorical]
    private var samplers: [ActionSampler]
    private var policyGradients: [Tensor]
    private var valueGradients: [Tensor]
    private var distilledDistributions: [Categorical]
    private var distilledGradients: [Tensor]

    public init(tasks: [Task], configuration: AgentConfiguration, seed: UInt64, threads: Int = 1) {
        precondition(!tasks.isEmpty)
        precondition(
            configuration.distral == nil || tasks.allSatisfy { if case .discrete = $0.actionSpace { true } else { false } },
            "Distral needs discrete actions (DistralConfiguration.validate rejects other suites)")
        self.tasks = tasks
        self.configuration = configuration
        self.seed = seed
        self.threads = max(1, threads)
        policy = MultiTaskPolicy(tasks: tasks, configuration: configuration, seed: seed)
        popArt = PopArt(
            tasks: tasks.count, enabled: configuration.popArt, beta: configuration.popArtBeta,
            sigmaMin: configuration.popArtSigmaMin, sigmaMax: configuration.popArtSigmaMax)
        optimization = OptimizationStep(parameters: policy.parameters, configuration: configuration)
        let n = configuration.environmentsPerTask
        batches = tasks.enumerated().map { i, task in task.prototype.makeBatch(count: n, seed: seed, stream: UInt64(i) << 32) }
        rng = RandomGenerator(seed: seed, stream: 0xAC7_0001)
        statistics = Array(repeating: TaskStatistics(), count: tasks.count)
        rollouts = policy.tasks.map {
            TaskRollout(steps: configuration.rolloutSteps, environments: n, observationSize: $0.observationSize, actionSize: $0.kind.actionSize)
        }
        inputs = policy.tasks.map { Tensor(rows: n, columns: $0.observationSize) }
        stepActions = policy.tasks.map { Array(repeating: 0, count: n * $0.kind.actionSize) }
        distributions = policy.tasks.map { _ in Categorical(logits: Tensor(rows: 1, columns: 1)) }
        samplers = policy.tasks.map { ActionSampler(kind: $0.kind) }
        policyGradients = policy.tasks.map { _ in Tensor(rows: 0, columns: 0) }
        valueGradients = policy.tasks.map { _ in Tensor(rows: 0, columns: 0) }
        distilledDistributions = distributions
        distilledGradients = valueGradients
    }

    /// The last rollout (for tests and diagnostics).
    public var rolloutsForTesting: [TaskRollout] { rollouts }

    /// Environment steps taken by one iteration (all tasks).
    public var stepsPerIteration: Int { tasks.count * configuration.environmentsPerTask * configuration.rolloutSteps }

    /// One rollout and one update. Throws when a loss is not finite (parameters keep their last good values
    /// from before this update's first non-finite minibatch).
    public func iterate() throws(TrainingError) {
        collectRollout()
        try update()
    }

    // MARK: Acting

    /// Steps every task's environments `rollout_steps` times with the current policy.
    func collectRollout() {
        let steps = configuration.rolloutSteps, n = configuration.environmentsPerTask
        let gamma = configuration.gamma
        for t in 0..<steps {
            for i in tasks.indices {
                loadInputs(task: i, from: batches[i].observations)
                rollouts[i].observations.copyRows(0..<n, of: inputs[i], to: t * n)
            }
            policy.forward(inputs)
            for i in tasks.indices { act(task: i, row: t * n) }
            stepEnvironments()
            var anyTruncated = false
            for i in tasks.indices {
                let batch = batches[i], scale = tasks[i].spec.rewardScale
                for b in 0..<n {
                    rollouts[i].rewards[t * n + b] = batch.rewards[b] * scale + rollouts[i].regularization[t * n + b]
                    rollouts[i].discounts[t * n + b] = batch.terminated[b] || batch.truncated[b] ? 0 : gamma
                    if batch.truncated[b] && !batch.terminated[b] { anyTruncated = true }
                }
                for episode in batch.takeFinishedEpisodes() { statistics[i].record(episode, solvedReturn: tasks[i].spec.solvedReturn) }
            }
            if anyTruncated {
                // Bootstrap truncated episodes from their final observations: r += γ·V(s_final).
                for i in tasks.indices { loadInputs(task: i, from: batches[i].finalObservations) }
                policy.forward(inputs)
                for i in tasks.indices {
                    let values = policy.valueOutput(i)
                    for b in 0..<n where batches[i].truncated[b] && !batches[i].terminated[b] {
                        rollouts[i].rewards[t * n + b] += gamma * popArt.unnormalize(Double(values[b, 0]), task: i)
                    }
                }
            }
        }
        for i in tasks.indices { loadInputs(task: i, from: batches[i].observations) }
        policy.forward(inputs)
        for i in tasks.indices {
            let values = policy.valueOutput(i)
            for b in 0..<n { rollouts[i].bootstrap[b] = popArt.unnormalize(Double(values[b, 0]), task: i) }
        }
        environmentSteps += stepsPerIteration
    }

    private func loadInputs(task i: Int, from observations: [Float]) {
        inputs[i].storage.withUnsafeMutableBufferPointer { dst in
            observations.withUnsafeBufferPointer { src in dst.baseAddress!.update(from: src.baseAddress!, count: dst.count) }
        }
    }

    /// Samples task i's actions from the last forward pass and records them at rollout rows `row ..< row + n`.
    private func act(task i: Int, row: Int) {
        let n = configuration.environmentsPerTask
        let head = policy.tasks[i]
        let values = policy.valueOutput(i)
        for b in 0..<n { rollouts[i].values[row + b] = popArt.unnormalize(Double(values[b, 0]), task: i) }
        let size = head.kind.actionSize
        // The rollout's slices for these rows, moved out so the sampler can write them directly.
        var actions = [Float](), logProbabilities = [Double]()
        swap(&actions, &rollouts[i].actions); swap(&logProbabilities, &rollouts[i].logProbabilities)
        defer { swap(&actions, &rollouts[i].actions); swap(&logProbabilities, &rollouts[i].logProbabilities) }
        stepActions[i].withUnsafeMutableBufferPointer { step in
            actions.withUnsafeMutableBufferPointer { actions in
                logProbabilities.withUnsafeMutableBufferPointer { logProbabilities in
                    samplers[i].sample(
                        from: policy.actionLogits(i), logStd: head.logStd?.value.storage ?? [], deterministic: false, using: &rng,
                        step: step, unclipped: .init(rebasing: actions[(row * size)..<((row + n) * size)]),
                        logProbabilities: .init(rebasing: logProbabilities[row..<(row + n)]))
                }
            }
        }
        // Distral: the reward regularisation `(α/β)·log π₀(a|s) − (1/β)·log π_i(a|s)` of each action taken.
        if let distral = policy.distral, distral.isRegularized {
            distilledDistributions[i].update(logits: policy.distilledOutput(i))
            for b in 0..<n {
                rollouts[i].regularization[row + b] = Distral.rewardRegularization(
                    logTask: logProbabilities[row + b],
                    logDistilled: Double(distilledDistributions[i].logProbability(row: b, action: Int(stepActions[i][b]))),
                    alpha: distral.alpha, beta: distral.distralBeta)
            }
        }
    }

    private func stepEnvironments() { ParallelStep.step(batches, actions: stepActions, threads: threads) }

    // MARK: Learning

    /// One learner update on the collected rollout.
    ///
    /// 1. Targets G and advantages A per task, unnormalised: GAE(λ), or V-trace (which with the
    ///    synchronous learner's `log ρ = 0` is the n-step return; `nstep` is the same scan).
    /// 2. PopArt: ART on each task's targets, then POP on its value layer (identity when off).
    /// 3. Normalised advantages `Â = (G − V)/σ_i = (G − μ_i)/σ_i − n_i`, optionally standardised per task.
    /// 4. For each epoch and minibatch (one of each for A2C), with `n` the value head's output and
    ///    `ŷ = (G − μ_i)/σ_i`, per task the mean over its rows of
    ///    `L = L_π + c_V·½(n − ŷ)² − c_H·H(π)`, where `L_π = −Â·log π(a|s)` (A2C) or
    ///    `L_π = −min(r·Â, clip(r, 1−ε, 1+ε)·Â)` with `r = π(a|s)/μ(a|s)` (PPO); summed over tasks,
    ///    backpropagated, clipped to a global norm, and applied by the optimizer.
    func update() throws(TrainingError) {
        let c = configuration
        // Minibatch rows replace the acting buffers' rows; restore their shape however the update ends.
        defer {
            for i in tasks.indices { inputs[i].reshape(rows: c.environmentsPerTask, columns: policy.tasks[i].observationSize) }
        }
        let progress = min(1, Double(environmentSteps) / Double(max(c.totalSteps, 1)))
        let clipRange = c.clipSchedule == .linear ? c.clipRange * (1 - progress) : c.clipRange

        // 1–3. Targets, PopArt, advantages.
        var targets: [[Double]] = [], advantages: [[Double]] = []
        for i in tasks.indices {
            let r = rollouts[i]
            let (g, a): ([Double], [Double])
            switch c.estimator {
            case .gae:
                (g, a) = GAE.compute(discounts: r.discounts, rewards: r.rewards, values: r.values, bootstrap: r.bootstrap, lambda: c.gaeLambda)
            case .vtrace, .nstep:
                (g, a) = VTrace.compute(
                    logRhos: Array(repeating: 0, count: r.count), discounts: r.discounts, rewards: r.rewards,
                    values: r.values, bootstrap: r.bootstrap, rhoBar: c.rhoBar, cBar: c.cBar, pgRhoBar: c.rhoBar)
            }
            let explained = Self.explainedVariance(returns: g, values: r.values)
            if explained.isFinite {
                statistics[i].explainedVariance += explained
                statistics[i].rollouts += 1
            }
            popArt.update(task: i, targets: g, valueLayer: policy.valueLayers[i])
            let sigma = popArt.sigma(i)
            var normalized = a.map { $0 / sigma }
            if c.normalizeAdvantages { Self.standardize(&normalized) }
            targets.append(g.map { popArt.normalize($0, task: i) })
            advantages.append(normalized)
        }

        // 4. Gradient steps.
        let count = rollouts[0].count
        let minibatches = c.algorithm == .ppo ? c.minibatches : 1
        let epochs = c.algorithm == .ppo ? c.epochs : 1
        var order = Array(0..<count)
        for _ in 0..<epochs {
            var permutations: [[Int]] = []
            for _ in tasks.indices {
                if minibatches > 1 || epochs > 1 { shuffle(&order) }
                permutations.append(order)
            }
            for m in 0..<minibatches {
                let range = (m * count / minibatches)..<((m + 1) * count / minibatches)
                let rows = permutations.map { Array($0[range]) }
                for i in tasks.indices {
                    if minibatches == 1 && epochs == 1 {
                        inputs[i] = rollouts[i].observations
                    } else {
                        gather(task: i, rows: rows[i])
                    }
                }
                policy.forward(inputs)
                policy.zeroGradients()
                for i in tasks.indices {
                    let losses = lossGradients(task: i, rows: rows[i], targets: targets[i], advantages: advantages[i], clipRange: clipRange)
                    guard losses.policy.isFinite, losses.value.isFinite, losses.entropy.isFinite else {
                        throw TrainingError(
                            "non-finite loss in task '\(tasks[i].name)' at step \(environmentSteps) (policy \(losses.policy), value \(losses.value), entropy \(losses.entropy))"
                        )
                    }
                    statistics[i].policyLoss += losses.policy
                    statistics[i].valueLoss += losses.value
                    statistics[i].entropy += losses.entropy
                    statistics[i].approximateKullbackLeibler += losses.approximateKullbackLeibler
                    statistics[i].clipFraction += losses.clipFraction
                    statistics[i].updates += 1
                    if policy.distral != nil {
                        let distral = distralGradients(task: i, rows: rows[i])
                        guard distral.loss.isFinite else {
                            throw TrainingError("non-finite distillation loss in task '\(tasks[i].name)' at step \(environmentSteps)")
                        }
                        statistics[i].distilledKullbackLeibler += distral.kullbackLeibler
                        statistics[i].distilledEntropy += distral.distilledEntropy
                    }
                }
                let policyGradients = policyGradients, valueGradients = valueGradients, distilledGradients = distilledGradients
                policy.backward { task, output, gradient in
                    switch output {
                    case .policy: gradient.copyRows(0..<gradient.rows, of: policyGradients[task])
                    case .value: gradient.copyRows(0..<gradient.rows, of: valueGradients[task])
                    case .distilled: gradient.copyRows(0..<gradient.rows, of: distilledGradients[task])
                    }
                }
                try optimization.apply(atStep: environmentSteps)
            }
        }
        updates += 1
    }

    /// Fills `policyGradients[i]` and `valueGradients[i]` (and the log-std gradient) with ∂L_i/∂outputs
    /// for the rows of the last forward pass, and returns the loss terms (means over the rows).
    private func lossGradients(task i: Int, rows: [Int], targets: [Double], advantages: [Double], clipRange: Double)
        -> (policy: Double, value: Double, entropy: Double, approximateKullbackLeibler: Double, clipFraction: Double)
    {
        let c = configuration
        let m = rows.count
        let scale = 1 / Float(m)
        let outputs = policy.actionLogits(i), values = policy.valueOutput(i)
        policyGradients[i].reshape(rows: m, columns: outputs.columns)
        policyGradients[i].fill(0)
        valueGradients[i].reshape(rows: m, columns: 1)
        var policyLoss = 0.0, valueLoss = 0.0, entropy = 0.0
        let r = rollouts[i]
        let entropyCoefficient = Float(c.entropyCoefficient)

        let policyLossKind: PolicyGradientLoss = c.algorithm == .ppo ? .ppo(clipRange: clipRange) : .a2c
        var approximateKullbackLeibler = 0.0, clipped = 0
        /// ∂L_π/∂log π for one row, and its loss; also adds up the diagnostics `(ρ − 1) − log ρ` and `|ρ − 1| > ε`.
        func policyTerm(_ j: Int, logProbability: Double) -> (loss: Double, slope: Double) {
            let logRatio = logProbability - r.logProbabilities[j], ratio = exp(logRatio)
            approximateKullbackLeibler += (ratio - 1) - logRatio
            if abs(ratio - 1) > clipRange { clipped += 1 }
            return policyLossKind.term(logProbability: logProbability, behaviourLogProbability: r.logProbabilities[j], advantage: advantages[j])
        }

        switch policy.tasks[i].kind {
        case .categorical:
            distributions[i].update(logits: outputs)
            let d = distributions[i]
            for (k, j) in rows.enumerated() {
                let action = Int(r.actions[j])
                let term = policyTerm(j, logProbability: Double(d.logProbability(row: k, action: action)))
                policyLoss += term.loss
                d.addLogProbabilityGradient(row: k, action: action, scale: Float(term.slope) * scale, into: &policyGradients[i])
                entropy += Double(d.entropy(row: k))
                if entropyCoefficient > 0 { d.addEntropyGradient(row: k, scale: -entropyCoefficient * scale, into: &policyGradients[i]) }
            }
        case .gaussian:
            let logStd = policy.tasks[i].logStd!
            let g = DiagonalGaussian(mean: outputs, logStd: logStd.value.storage)
            var logStdGradient = [Float](repeating: 0, count: g.dimensions)
            r.actions.withUnsafeBufferPointer { actions in
                for (k, j) in rows.enumerated() {
                    let a = actions.baseAddress! + j * g.dimensions
                    let term = policyTerm(j, logProbability: Double(g.logProbability(row: k, action: a)))
                    policyLoss += term.loss
                    g.addLogProbabilityGradient(
                        row: k, action: a, scale: Float(term.slope) * scale,
                        meanGradient: &policyGradients[i], logStdGradient: &logStdGradient)
                }
            }
            entropy = Double(g.entropy) * Double(m)
            g.addEntropyGradient(scale: -entropyCoefficient, logStdGradient: &logStdGradient)
            for d in 0..<g.dimensions { logStd.gradient.storage[d] += logStdGradient[d] }
        }

        // Value: ½(n − ŷ)², optionally clipped around the acting-time prediction (PPO).
        let valueCoefficient = c.valueCoefficient
        let valueLossKind = ValueLoss(clipRange: c.algorithm == .ppo && c.valueClipRange > 0 ? c.valueClipRange : nil)
        for (k, j) in rows.enumerated() {
            let acting = valueLossKind.clipRange == nil ? 0 : popArt.normalize(r.values[j], task: i)
            let term = valueLossKind.term(prediction: Double(values[k, 0]), target: targets[j], acting: acting)
            valueLoss += term.loss
            valueGradients[i][k, 0] = Float(valueCoefficient * term.slope) * scale
        }
        return (
            policyLoss / Double(m), valueLoss / Double(m), entropy / Double(m), approximateKullbackLeibler / Double(m), Double(clipped) / Double(m)
        )
    }

    /// `1 − Var(G − V)/Var(G)`: 1 when the values predict the returns, 0 when they do no better than their mean
    /// (NaN, so not logged, when the returns do not vary).
    static func explainedVariance(returns: [Double], values: [Double]) -> Double {
        func variance(_ x: [Double]) -> Double {
            let mean = x.reduce(0, +) / Double(max(x.count, 1))
            return x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(x.count, 1))
        }
        let spread = variance(returns)
        guard spread > 0 else { return .nan }
        return 1 - variance(zip(returns, values).map { $0 - $1 }) / spread
    }

    /// Distral's gradient on π₀'s logits h for task i's minibatch (after `lossGradients` filled ∂L/∂z for
    /// the task's acting logits z), returning the distillation loss, `KL(π_i ‖ π₀)` and `H(π₀)` (row means).
    ///
    /// - 2 columns, `z = α·h + β·f_i` with the column's head giving `β·f_i`: the actor-critic gradient
    ///   reaches h as `∂L/∂h = α·∂L/∂z` (and the column as `∂L/∂z`); 1 column: `z = f_i`, and h gets no
    ///   actor-critic gradient.
    /// - Regularised agents add the distillation term (see `Distral`), weighted `(α/β)·distill_coef`
    ///   and averaged over the rows.
    private func distralGradients(task i: Int, rows: [Int]) -> (loss: Double, kullbackLeibler: Double, distilledEntropy: Double) {
        let d = policy.distral!
        let m = rows.count
        distilledDistributions[i].update(logits: policy.distilledOutput(i))
        let distilled = distilledDistributions[i], taskPolicy = distributions[i]
        distilledGradients[i].reshape(rows: m, columns: distilled.actionCount)
        distilledGradients[i].fill(0)
        if d.columns == 2 {
            let alpha = Float(d.alpha)
            distilledGradients[i].storage.withUnsafeMutableBufferPointer { gh in
                policyGradients[i].storage.withUnsafeBufferPointer { gz in
                    for k in 0..<gz.count { gh[k] = alpha * gz[k] }
                }
            }
        }
        let weight = d.isRegularized ? d.alpha / d.distralBeta * d.distillationCoefficient : 0
        let scale = Float(weight) / Float(m)
        var loss = 0.0, kl = 0.0, entropy = 0.0
        for (k, j) in rows.enumerated() {
            let action = Int(rollouts[i].actions[j])
            kl += Double(taskPolicy.kullbackLeibler(to: distilled, row: k))
            entropy += Double(distilled.entropy(row: k))
            guard weight > 0 else { continue }
            loss += weight * Distral.distillationLoss(distilled: distilled, task: taskPolicy, row: k, action: action, method: d.distillation)
            Distral.addDistillationGradient(
                distilled: distilled, task: taskPolicy, row: k, action: action, method: d.distillation,
                scale: scale, into: &distilledGradients[i])
        }
        return (loss / Double(m), kl / Double(m), entropy / Double(m))
    }

    private func gather(task i: Int, rows: [Int]) {
        let size = policy.tasks[i].observationSize
        inputs[i].reshape(rows: rows.count, columns: size)
        inputs[i].storage.withUnsafeMutableBufferPointer { dst in
            rollouts[i].observations.storage.withUnsafeBufferPointer { src in
                for (k, j) in rows.enumerated() { (dst.baseAddress! + k * size).update(from: src.baseAddress! + j * size, count: size) }
            }
        }
    }

    /// Fisher–Yates with the run's generator.
    private func shuffle(_ values: inout [Int]) {
        for k in stride(from: values.count - 1, to: 0, by: -1) {
            values.swapAt(k, rng.integer(below: k + 1))
        }
    }

    /// Subtracts the mean and divides by the standard deviation (guarded).
    static func standardize(_ values: inout [Double]) {
        guard values.count > 1 else { return }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        let std = max(variance.squareRoot(), 1e-8)
        for k in values.indices { values[k] = (values[k] - mean) / std }
    }
}
