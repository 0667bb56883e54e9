import Communication
import Dispatch
import Environments
import Foundation
import NeuralNetworks
import Randomness

/// The actor-critic learner: multi-task A2C or PPO-clip, with optional per-task PopArt and Distral,
/// acting and learning in turn (`synchronous`) or at once (`pipelined`).
///
/// - Synchronous: each iteration, the `RolloutCollector` steps every task's environments `rollout_steps`
///   times with the current parameters (one forward pass per step for all tasks), then `update` learns
///   from the rollouts. Actions and minibatch order come from the learner's generator.
/// - Pipelined (IMPALA's actor–learner with a fixed lag of one update): rollout 0 is collected with θ₀;
///   then each iteration a `PipelinedActor` collects rollout k+1 with its copy of θ_k on one thread while
///   `update` computes θ_{k+1} from rollout k on another, and the actor takes θ_{k+1}. The learner first
///   re-evaluates rollout k under θ_k — values `V(s_t)`, `V(s_T)` and `log ρ_t = log π(a_t|s_t) − log μ(a_t|s_t)` —
///   so V-trace's truncated importance weights correct the lag. The schedule is fixed and the two roles
///   share nothing while they run, so the numbers do not depend on timing.
///
/// Every random draw comes from a generator the run owns, or the environments' own seeded streams, in a
/// fixed order, so the same seed gives the same numbers bit for bit, whatever `threads` is.
///
/// Data-parallel (synchronous only, `communicator.size > 1`): rank r steps its `EnvironmentShard` of every
/// task's environments; rank 0's initial parameters are broadcast; gradients are averaged over the ranks
/// before clipping (`GradientAllreduce`); PopArt and advantage standardisation see every rank's samples,
/// gathered and laid out as the single-process rollout's rows. Every rank's generator draws the same words
/// (its own actions, and skips for the others'), so minibatch shuffles are identical on all ranks, and the
/// parameters stay identical without being exchanged again.
public final class ActorCriticLearner {
    public let tasks: [Task]
    public let configuration: AgentConfiguration
    public let seed: UInt64
    /// The ranks of a data-parallel run (a single process: rank 0 of 1).
    public let communicator: any Communicator
    /// Averages gradients over the ranks (idle in a single process).
    public let gradientAllreduce: GradientAllreduce
    public let policy: MultiTaskPolicy
    public internal(set) var popArt: PopArt
    /// Schedule, gradient reduction, clipping, finite check and the optimizer, shared with the distiller.
    public var optimization: OptimizationStep
    public var optimizer: any Optimizer { optimization.optimizer }
    public internal(set) var environmentSteps = 0
    public internal(set) var updates = 0
    /// Statistics of the current log interval, one per task.
    public var statistics: [TaskStatistics]
    /// The actor's collector: fills one rollout per task.
    public let collector: RolloutCollector
    /// The pipelined mode's actor (nil when synchronous).
    let actor: PipelinedActor?
    /// `actor_learner: remote`: the actors on the other MPI ranks (nil otherwise).
    let remoteActors: RemoteActors?
    /// Whether the rollouts come from older parameters, so the learner re-evaluates them (pipelined and remote).
    private var reevaluates: Bool { actor != nil || remoteActors != nil }
    /// Pipelined mode: whether rollout k, collected with θ_{k−1}, waits in `learningRollouts`.
    var hasPendingRollout = false
    /// Pipelined mode: seconds each role has spent in its half of the iterations so far, and the iterations'
    /// wall time (not checkpointed; for benchmarks and the console).
    public private(set) var pipelineSeconds = (acting: 0.0, learning: 0.0, wall: 0.0)

    var rng: RandomGenerator
    /// The parameters several tasks' losses reach (gradient surgery works on these).
    private lazy var sharedParameters = policy.sharedParameters
    /// GradNorm's task weights (all 1 unless `gradient_surgery: gradnorm`).
    var gradNorm: GradNorm
    /// The rollouts `update` learns from, handed over by the collector.
    var learningRollouts: [TaskRollout]
    /// Each task's `log ρ_t` for V-trace (0 when acting and learning parameters coincide).
    private var logRhos: [[Double]]
    /// Each task's minibatch of observations.
    private var minibatchInputs: [Tensor]
    private var distributions: [Categorical]
    private var policyGradients: [Tensor]
    private var valueGradients: [Tensor]
    private var distilledDistributions: [Categorical]
    private var distilledGradients: [Tensor]
    /// Distral on box tasks: each task's ∂L/∂log σ of its acting Gaussian from the actor-critic loss, which
    /// `distralGradients` completes and routes to the parameters.
    private var actionLogStdGradients: [[Float]]
    /// Distral on box tasks: the factor that turned each task's raw advantages into the ones learned from
    /// (1/σ of PopArt, and 1/spread when standardised), applied to the regularisation's direct gradient.
    private var advantageScales: [Double]

    /// `remoteActors`: with `actor_learner: remote`, the communicator whose ranks 1… act (this learner is its
    /// rank 0; `communicator` then stays single-process).
    public init(
        tasks: [Task], configuration: AgentConfiguration, seed: UInt64, threads: Int = 1,
        communicator: any Communicator = SingleProcessCommunicator(), remoteActors: (any Communicator)? = nil
    ) {
        precondition(!tasks.isEmpty)
        precondition(
            (configuration.actorLearner == .remote) == (remoteActors != nil), "actor_learner: remote learns from remote actors, and only it does")
        self.tasks = tasks
        self.configuration = configuration
        self.seed = seed
        self.communicator = communicator
        gradientAllreduce = GradientAllreduce(communicator: communicator)
        policy = MultiTaskPolicy(tasks: tasks, configuration: configuration, seed: seed)
        popArt = PopArt(tasks: tasks.count, configuration: configuration)
        optimization = OptimizationStep(parameters: policy.trainableParameters(frozen: configuration.frozen), configuration: configuration)
        let pipelined = configuration.actorLearner == .pipelined
        collector = RolloutCollector(
            tasks: tasks, heads: policy.tasks, configuration: configuration, seed: seed, threads: pipelined ? 1 : threads,
            shard: EnvironmentShard(rank: communicator.rank, ranks: communicator.size))
        if communicator.size > 1 {
            // A pipelined actor gathers on a communicator of its own, so its collectives never meet the learner's.
            let acting = pipelined ? communicator.duplicate() : communicator
            collector.gatherObservations = { batch in
                let ranks = acting.allgather(batch.storage.map(Double.init))
                return Tensor(rows: batch.rows * ranks.count, columns: batch.columns, values: ranks.flatMap { $0.map(Float.init) })
            }
        }
        actor = pipelined ? PipelinedActor(tasks: tasks, configuration: configuration, seed: seed, collector: collector, popArt: popArt) : nil
        self.remoteActors = remoteActors.map { RemoteActors(communicator: $0) }
        rng = RandomGenerator(seed: seed, stream: 0xAC7_0001)
        gradNorm = GradNorm(tasks: tasks.count, rate: configuration.gradNormRate)
        learningRollouts = collector.rollouts
        logRhos = collector.rollouts.map { Array(repeating: 0, count: $0.count) }
        statistics = Array(repeating: TaskStatistics(), count: tasks.count)
        minibatchInputs = policy.tasks.map { Tensor(rows: 0, columns: $0.observationSize) }
        distributions = policy.tasks.map { _ in Categorical(logits: Tensor(rows: 1, columns: 1)) }
        policyGradients = policy.tasks.map { _ in Tensor(rows: 0, columns: 0) }
        valueGradients = policy.tasks.map { _ in Tensor(rows: 0, columns: 0) }
        distilledDistributions = distributions
        distilledGradients = valueGradients
        actionLogStdGradients = tasks.map { _ in [] }
        advantageScales = tasks.map { _ in 1 }
        if communicator.size > 1 {
            broadcastParameters()
            // Gradient surgery reduces every task's gradient itself, before combining them (`backwardPerTask`).
            if !usesGradientSurgery { optimization.reduceGradients = { [gradientAllreduce] in gradientAllreduce.reduce($0) } }
        }
        actor?.synchronize(with: policy, popArt: popArt)
    }

    /// Replaces every parameter by rank 0's (one flat broadcast).
    private func broadcastParameters() {
        var flat = policy.parameters.flatMap(\.value.storage)
        communicator.broadcast(&flat)
        var offset = 0
        for parameter in policy.parameters {
            let n = parameter.value.count
            parameter.value.storage.replaceSubrange(0..<n, with: flat[offset..<(offset + n)])
            offset += n
        }
    }

    /// The rollouts of the last (or, pipelined, the next) update.
    public var rollouts: [TaskRollout] { learningRollouts }

    /// Environment steps taken by one iteration (all tasks, all ranks).
    public var stepsPerIteration: Int { collector.stepsPerCollection * communicator.size }

    /// One rollout and one update. Throws when a loss is not finite (parameters keep their last good values
    /// from before this update's first non-finite minibatch).
    public func iterate() throws(TrainingError) {
        if let remoteActors {
            // Remote: the next actor's rollout, an update, and the new parameters back to that actor.
            let (source, episodes) = remoteActors.receiveRollout(into: &learningRollouts, policy: policy, popArt: popArt)
            for i in tasks.indices { statistics[i].addEpisodes(of: episodes[i]) }
            environmentSteps += collector.stepsPerCollection
            try update()
            remoteActors.sendParameters(of: policy, popArt: popArt, to: source)
            return
        }
        guard let actor else {
            collectRollout()
            try update()
            return
        }
        if !hasPendingRollout {
            actor.collect()
            takeCollection(of: actor)
            policy.observationNormalizer = actor.policy.observationNormalizer
        }
        // The actor collects rollout k+1 with θ_k while the learner computes θ_{k+1} from rollout k.
        let roles = PipelineRoles(actor: actor, learner: self)
        let start = DispatchTime.now().uptimeNanoseconds
        DispatchQueue.concurrentPerform(iterations: 2) { role in roles.run(role) }
        pipelineSeconds.acting += roles.actingSeconds
        pipelineSeconds.learning += roles.learningSeconds
        pipelineSeconds.wall += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if let failure = roles.failure { throw failure }
        takeCollection(of: actor)
        policy.observationNormalizer = actor.policy.observationNormalizer  // the statistics the actor has seen
        actor.synchronize(with: policy, popArt: popArt)
    }

    /// Steps every task's environments `rollout_steps` times with the current policy (the synchronous actor's half
    /// of `iterate`; public for benchmarks that time acting and learning apart).
    public func collectRollout() {
        collector.collect(policy: policy, popArt: popArt, using: &rng, statistics: &statistics)
        collector.exchangeRollouts(&learningRollouts)
        environmentSteps += stepsPerIteration
    }

    /// `actor_learner: remote`: takes in the rollouts still on their way and stops the actors (call once, when
    /// training ends for any reason; the learner can still be evaluated and saved).
    public func stopRemoteActors() { remoteActors?.stop() }

    /// Pipelined mode: takes the actor's rollouts (the next update's) and its finished episodes.
    private func takeCollection(of actor: PipelinedActor) {
        collector.exchangeRollouts(&learningRollouts)
        for i in tasks.indices { statistics[i].addEpisodes(of: actor.statistics[i]) }
        actor.statistics = Array(repeating: TaskStatistics(), count: tasks.count)
        environmentSteps += stepsPerIteration
        hasPendingRollout = true
    }

    /// A warm start before training: copies the parameters of `checkpoint` whose names and shapes match into
    /// the learner's network (and the pipelined actor's copy); returns the names copied. A new task's heads
    /// stay as initialised.
    public func warmStart(from checkpoint: Checkpoint) throws(CheckpointError) -> [String] {
        let copied = try checkpoint.warmStart(policy.parameters)
        actor?.restore(history: [(policy.parameters.flatMap(\.value.storage), popArt)])  // θ₀ is the warm-started network
        return copied
    }

    /// Every task's statistics, with PPO's diagnostics, Distral's `distral/*` and PopArt's `popart/*` when in use.
    public func addMetrics(to metrics: inout IntervalMetrics) {
        if let remoteActors {
            metrics.add("impala/policy_lag", Double(remoteActors.policyLag))
        } else if actor != nil {
            metrics.add("impala/policy_lag", Double(configuration.actorLag))
        }
        for (i, task) in statistics.enumerated() {
            let name = tasks[i].name
            metrics.add(task, task: i)
            metrics.add("losses/approx_kl", task.meanApproximateKullbackLeibler, task: name)
            metrics.add("losses/clipfrac", task.meanClipFraction, task: name)
            metrics.add("losses/explained_variance", task.meanExplainedVariance, task: name)
            if configuration.distral != nil {
                metrics.add("distral/kl", task.meanDistilledKullbackLeibler, task: name)
                metrics.add("distral/entropy", task.meanDistilledEntropy, task: name)
            }
            if configuration.gradientSurgery != .none {
                metrics.add("losses/grad_cosine", task.meanGradientCosine, task: name)
            }
            if configuration.gradientSurgery == .gradnorm {
                metrics.add("losses/task_weight", gradNorm.weights[i], task: name)
            }
            if reevaluates {
                metrics.add("impala/mean_rho", task.meanImportanceWeight, task: name)
                metrics.add("impala/rho_clipped", task.importanceWeightClipFraction, task: name)
            }
            if popArt.enabled {
                metrics.add("popart/mu", popArt.mean(i), task: name)
                metrics.add("popart/sigma", popArt.sigma(i), task: name)
            }
        }
    }

    // MARK: Learning

    /// One learner update on the collected rollouts.
    ///
    /// 0. Pipelined: re-evaluate the rollout under θ_k (values, bootstrap values, `log ρ`).
    /// 1. Targets G and advantages A per task, unnormalised: GAE(λ), or V-trace (which with the
    ///    synchronous learner's `log ρ = 0` is the n-step return; `nstep` is the same scan).
    /// 2. PopArt: ART on each task's targets, then POP on its value layer (identity when off).
    /// 3. Normalised advantages `Â = (G − V)/σ_i = (G − μ_i)/σ_i − n_i`, optionally standardised per task.
    /// 4. For each epoch and minibatch (one of each for A2C), with `n` the value head's output and
    ///    `ŷ = (G − μ_i)/σ_i`, per task the mean over its rows of
    ///    `L = L_π + c_V·L_V − c_H·H(π)` (`PolicyGradientLoss`, `ValueLoss`; plus Distral's distillation
    ///    term on π₀), summed over tasks, backpropagated, and applied by the shared `OptimizationStep`.
    public func update() throws(TrainingError) {
        let settings = configuration
        let clipRange = settings.clipSchedule == .linear ? settings.clipRange * (1 - budgetProgress) : settings.clipRange

        // 0. Pipelined or remote: values and importance weights under the current parameters.
        if reevaluates { reevaluateRollouts() }
        let minibatches = settings.algorithm == .ppo ? settings.minibatches : 1
        let epochs = settings.algorithm == .ppo ? settings.epochs : 1
        // One minibatch of every row in order is the re-evaluation's forward pass (value layers rerun after POP).
        var reevaluated = reevaluates && minibatches == 1 && epochs == 1

        // 1–3. Targets, PopArt, advantages.
        var targets: [[Double]] = [], advantages: [[Double]] = []
        let estimates = tasks.indices.map { Self.returnsAndAdvantages(learningRollouts[$0], logRhos: logRhos[$0], configuration: settings) }
        let everyRank = popArt.enabled || settings.normalizeAdvantages ? estimatesOfEveryRank(estimates) : nil
        for i in tasks.indices {
            let rollout = learningRollouts[i]
            let (returns, taskAdvantages) = estimates[i]
            let explained = Self.explainedVariance(returns: returns, values: rollout.values)
            if explained.isFinite {
                statistics[i].explainedVariance += explained
                statistics[i].rollouts += 1
            }
            popArt.update(task: i, targets: everyRank?[i].targets ?? returns, valueLayer: policy.valueLayers[i])
            let sigma = popArt.sigma(i)
            var normalized = taskAdvantages.map { $0 / sigma }
            if policy.distral != nil, case .gaussian = policy.tasks[i].kind {
                let spread =
                    settings.normalizeAdvantages
                    ? Self.moments(of: everyRank?[i].advantages.map { $0 / sigma } ?? normalized)?.standardDeviation : nil
                advantageScales[i] = 1 / (sigma * (spread ?? 1))
            }
            if settings.normalizeAdvantages {
                if let everyRank {
                    Self.standardize(&normalized, like: everyRank[i].advantages.map { $0 / sigma })
                } else {
                    Self.standardize(&normalized)
                }
            }
            targets.append(returns.map { popArt.normalize($0, task: i) })
            advantages.append(normalized)
        }

        // 4. Gradient steps.
        // Each minibatch holds the same share of every task's rows. Tasks with the same number of rows
        // (all of them unless a suite sets `sampling_weight`) shuffle one order on from each other.
        var orders: [Int: [Int]] = [:]
        for rollout in learningRollouts where orders[rollout.count] == nil { orders[rollout.count] = Array(0..<rollout.count) }
        for _ in 0..<epochs {
            var permutations: [[Int]] = []
            for rollout in learningRollouts {
                if minibatches > 1 || epochs > 1 { shuffle(&orders[rollout.count]!) }
                permutations.append(orders[rollout.count]!)
            }
            for minibatch in 0..<minibatches {
                let rows = permutations.map { order in
                    let count = order.count
                    return Array(order[(minibatch * count / minibatches)..<((minibatch + 1) * count / minibatches)])
                }
                let losses = try minibatchGradients(
                    rows: rows, targets: targets, advantages: advantages, clipRange: clipRange, reusingForwardPass: reevaluated)
                reevaluated = false
                for (i, terms) in losses.enumerated() {
                    statistics[i].policyLoss += terms.policy
                    statistics[i].valueLoss += terms.value
                    statistics[i].entropy += terms.entropy
                    statistics[i].approximateKullbackLeibler += terms.approximateKullbackLeibler
                    statistics[i].clipFraction += terms.clipFraction
                    statistics[i].updates += 1
                    if let distral = terms.distral {
                        statistics[i].distilledKullbackLeibler += distral.kullbackLeibler
                        statistics[i].distilledEntropy += distral.distilledEntropy
                    }
                }
                try optimization.apply(atStep: environmentSteps)
            }
        }
        updates += 1
    }

    /// One task's loss terms on a minibatch (row means), and the total `L_π + c_V·L_V − c_H·H (+ Distral's term)`.
    struct LossTerms {
        var policy: Double, value: Double, entropy: Double
        var approximateKullbackLeibler: Double, clipFraction: Double
        var distral: (loss: Double, kullbackLeibler: Double, distilledEntropy: Double)?
        var total: Double = 0
    }

    /// Forward pass, losses and backward pass of one minibatch (`rows[i]` are task i's rollout rows):
    /// leaves `∂(Σ_i L_i)/∂θ` in every parameter's gradient and returns each task's loss terms. Throws,
    /// before any gradient is used, when a loss is not finite. `reusingForwardPass`: the last forward pass
    /// was on exactly these rows with the current parameters but the value layers' before POP, so only the
    /// value layers run again (the same bits as a whole pass).
    func minibatchGradients(
        rows: [[Int]], targets: [[Double]], advantages: [[Double]], clipRange: Double, reusingForwardPass: Bool = false
    ) throws(TrainingError) -> [LossTerms] {
        if reusingForwardPass {
            policy.rerunValueLayers()
        } else {
            for i in tasks.indices { gather(task: i, rows: rows[i]) }
            policy.forward(minibatchInputs)
        }
        policy.zeroGradients()
        var losses: [LossTerms] = []
        for i in tasks.indices {
            var terms = lossGradients(task: i, rows: rows[i], targets: targets[i], advantages: advantages[i], clipRange: clipRange)
            guard terms.policy.isFinite, terms.value.isFinite, terms.entropy.isFinite else {
                throw TrainingError(
                    "non-finite loss in task '\(tasks[i].name)' at step \(environmentSteps) (policy \(terms.policy), value \(terms.value), entropy \(terms.entropy))"
                )
            }
            terms.total = terms.policy + configuration.valueCoefficient * terms.value - entropyCoefficient * terms.entropy
            if policy.distral != nil {
                let distral = distralGradients(task: i, rows: rows[i])
                guard distral.loss.isFinite else {
                    throw TrainingError("non-finite distillation loss in task '\(tasks[i].name)' at step \(environmentSteps)")
                }
                terms.distral = distral
                terms.total += distral.loss
            }
            losses.append(terms)
        }
        if usesGradientSurgery {
            for (task, cosine) in backwardPerTask().enumerated() where cosine.isFinite {
                statistics[task].gradientCosineSum += cosine
                statistics[task].gradientCosines += 1
            }
        } else {
            backward(tasks: nil)
        }
        return losses
    }

    /// Backpropagates the output gradients of `tasks` (every task when nil); parameter gradients accumulate.
    private func backward(tasks selected: Int?) {
        let policyGradients = policyGradients, valueGradients = valueGradients, distilledGradients = distilledGradients
        policy.backward { task, output, gradient in
            guard selected == nil || selected == task else { return gradient.fill(0) }
            switch output {
            case .policy: gradient.copyRows(0..<gradient.rows, of: policyGradients[task])
            case .value: gradient.copyRows(0..<gradient.rows, of: valueGradients[task])
            case .distilled: gradient.copyRows(0..<gradient.rows, of: distilledGradients[task])
            }
        }
    }

    /// The share of `total_steps` taken so far, in [0, 1] (the linear clip and entropy schedules).
    private var budgetProgress: Double { min(1, Double(environmentSteps) / Double(max(configuration.totalSteps, 1))) }

    /// c_H at the current step: `entropy_coef`, or with `entropy_schedule: linear` annealed to 0 over `total_steps`.
    var entropyCoefficient: Double {
        let c = configuration.entropyCoefficient
        return configuration.entropySchedule == .linear ? c * (1 - budgetProgress) : c
    }

    /// Whether the update combines per-task gradients (`gradient_surgery` set, and parameters that several tasks share).
    private var usesGradientSurgery: Bool { configuration.gradientSurgery != .none && !sharedParameters.isEmpty }

    /// Gradient surgery's backward pass: one backward pass per task gives each task's gradient on the shared
    /// parameters, which PCGrad projects off each other where they conflict (`PCGrad.combine`) or GradNorm
    /// weights (`GradNorm.combine`, then the weights' own step). Every other parameter gets the sum of the
    /// tasks' gradients, each times its GradNorm weight (1 for PCGrad); whatever `lossGradients` wrote
    /// directly (the log-std) stays as it is. Data-parallel: each task's shared gradient and the other
    /// parameters' sums are averaged over the ranks first (one allreduce), so every rank combines the
    /// single process's task gradients, with the same draws. Returns each task's mean cosine with the
    /// other tasks' shared gradients.
    private func backwardPerTask() -> [Double] {
        let parameters = policy.parameters
        let shared = Set(sharedParameters.map(ObjectIdentifier.init))
        let surgery = configuration.gradientSurgery
        var summed = parameters.map { $0.gradient.storage }
        var taskGradients: [[Double]] = []
        for task in tasks.indices {
            for parameter in parameters { parameter.gradient.fill(0) }
            backward(tasks: task)
            let weight = surgery == .gradnorm ? Float(gradNorm.weights[task]) : 1
            var flat: [Double] = []
            for (k, parameter) in parameters.enumerated() {
                if shared.contains(ObjectIdentifier(parameter)) {
                    flat.append(contentsOf: parameter.gradient.storage.lazy.map(Double.init))
                } else {
                    for index in summed[k].indices { summed[k][index] += weight * parameter.gradient.storage[index] }
                }
            }
            taskGradients.append(flat)
        }
        if communicator.size > 1 { averageOverRanks(&taskGradients, &summed, shared: shared) }
        let combined: [Double]
        if surgery == .gradnorm {
            combined = gradNorm.combine(taskGradients)
            gradNorm.update(gradientNorms: taskGradients.map { PCGrad.dot($0, $0).squareRoot() })
        } else {
            combined = PCGrad.combine(taskGradients, using: &rng)
        }
        var offset = 0
        for (k, parameter) in parameters.enumerated() {
            if shared.contains(ObjectIdentifier(parameter)) {
                let count = parameter.gradient.count
                parameter.gradient.storage = combined[offset..<(offset + count)].map { Float($0) }
                offset += count
            } else {
                parameter.gradient.storage = summed[k]
            }
        }
        return tasks.indices.map { PCGrad.meanCosine(taskGradients, task: $0) }
    }

    /// Gradient surgery on several ranks: replaces each task's shared gradient, and the summed gradients of the
    /// parameters that are not shared, by their means over the ranks (one allreduce in Double).
    private func averageOverRanks(_ taskGradients: inout [[Double]], _ summed: inout [[Float]], shared: Set<ObjectIdentifier>) {
        let start = DispatchTime.now().uptimeNanoseconds
        let parameters = policy.parameters
        var buffer = taskGradients.flatMap { $0 }
        for (k, parameter) in parameters.enumerated() where !shared.contains(ObjectIdentifier(parameter)) {
            buffer.append(contentsOf: summed[k].lazy.map(Double.init))
        }
        communicator.allreduceSum(&buffer)
        let scale = Double(communicator.size)
        var offset = 0
        for task in taskGradients.indices {
            for index in taskGradients[task].indices { taskGradients[task][index] = buffer[offset + index] / scale }
            offset += taskGradients[task].count
        }
        for (k, parameter) in parameters.enumerated() where !shared.contains(ObjectIdentifier(parameter)) {
            for index in summed[k].indices { summed[k][index] = Float(buffer[offset + index] / scale) }
            offset += summed[k].count
        }
        gradientAllreduce.record(seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    /// Pipelined and remote modes: evaluates the learning rollouts under the current parameters θ_k. Their values `V(s_t)`
    /// and bootstrap values `V(s_T)` replace the actor's (from θ_{k−1}), and `log ρ_t = log π(a_t|s_t) − log μ(a_t|s_t)`
    /// become V-trace's importance weights; the interval's statistics count ρ and how often it exceeds ρ̄.
    /// The rollout's forward pass comes last, so an update with one minibatch of every row in order
    /// (A2C-style) backpropagates through it instead of running it again.
    private func reevaluateRollouts() {
        for i in tasks.indices { minibatchInputs[i] = learningRollouts[i].lastObservations }
        policy.forward(minibatchInputs)
        for i in tasks.indices {
            let values = policy.valueOutput(i)
            for b in learningRollouts[i].bootstrap.indices { learningRollouts[i].bootstrap[b] = popArt.unnormalize(Double(values[b, 0]), task: i) }
        }
        for i in tasks.indices { minibatchInputs[i] = learningRollouts[i].observations }
        policy.forward(minibatchInputs)
        for i in tasks.indices {
            let values = policy.valueOutput(i), outputs = policy.actionLogits(i)
            let actionSize = policy.tasks[i].kind.actionSize
            var categorical = distributions[i]
            if case .categorical = policy.tasks[i].kind { categorical.update(logits: outputs) }
            let gaussian = policy.tasks[i].logStd.map { _ in DiagonalGaussian(mean: outputs, logStd: policy.actionLogStd(i)) }
            learningRollouts[i].actions.withUnsafeBufferPointer { actions in
                for row in 0..<learningRollouts[i].count {
                    learningRollouts[i].values[row] = popArt.unnormalize(Double(values[row, 0]), task: i)
                    let logProbability =
                        gaussian.map { Double($0.logProbability(row: row, action: actions.baseAddress! + row * actionSize)) }
                        ?? Double(categorical.logProbability(row: row, action: Int(actions[row])))
                    let logRho = configuration.lagCorrection ? logProbability - learningRollouts[i].logProbabilities[row] : 0
                    logRhos[i][row] = logRho
                    statistics[i].importanceWeightSum += exp(logRho)
                    if exp(logRho) > configuration.rhoBar { statistics[i].importanceWeightsClipped += 1 }
                    statistics[i].importanceWeights += 1
                }
            }
            distributions[i] = categorical
        }
    }

    /// Unnormalised targets G and advantages A of one rollout with the preset's estimator (`logRhos`: V-trace's
    /// `log π − log μ` per sample).
    static func returnsAndAdvantages(_ rollout: TaskRollout, logRhos: [Double], configuration settings: AgentConfiguration)
        -> (targets: [Double], advantages: [Double])
    {
        switch settings.estimator {
        case .gae:
            return GAE.compute(
                discounts: rollout.discounts, rewards: rollout.rewards, values: rollout.values, bootstrap: rollout.bootstrap,
                lambda: settings.gaeLambda)
        case .vtrace, .nstep:
            return VTrace.compute(
                logRhos: logRhos, discounts: rollout.discounts, rewards: rollout.rewards,
                values: rollout.values, bootstrap: rollout.bootstrap, rhoBar: settings.rhoBar, cBar: settings.cBar, pgRhoBar: settings.rhoBar)
        }
    }

    /// Fills `policyGradients[i]` and `valueGradients[i]` (and the log-std gradient) with ∂L_i/∂outputs
    /// for the minibatch of the last forward pass, whose row k is rollout row `rows[k]`, and returns the
    /// loss terms and diagnostics (means over the rows).
    private func lossGradients(task i: Int, rows: [Int], targets: [Double], advantages: [Double], clipRange: Double) -> LossTerms {
        let settings = configuration
        let rowCount = rows.count
        let scale = 1 / Float(rowCount)
        let outputs = policy.actionLogits(i), values = policy.valueOutput(i)
        policyGradients[i].reshape(rows: rowCount, columns: outputs.columns)
        policyGradients[i].fill(0)
        valueGradients[i].reshape(rows: rowCount, columns: 1)
        var policyLoss = 0.0, valueLoss = 0.0, entropy = 0.0
        let rollout = learningRollouts[i]
        let entropyCoefficient = Float(self.entropyCoefficient)

        let policyLossKind: PolicyGradientLoss = settings.algorithm == .ppo ? .ppo(clipRange: clipRange) : .a2c
        var approximateKullbackLeibler = 0.0, clipped = 0
        /// ∂L_π/∂log π for one rollout row, and its loss; also adds up the diagnostics `(ρ − 1) − log ρ` and `|ρ − 1| > ε`.
        func policyTerm(_ sample: Int, logProbability: Double) -> (loss: Double, slope: Double) {
            let behaviour = rollout.logProbabilities[sample]
            let logRatio = logProbability - behaviour, ratio = exp(logRatio)
            approximateKullbackLeibler += (ratio - 1) - logRatio
            if abs(ratio - 1) > clipRange { clipped += 1 }
            return policyLossKind.term(logProbability: logProbability, behaviourLogProbability: behaviour, advantage: advantages[sample])
        }

        switch policy.tasks[i].kind {
        case .categorical:
            distributions[i].update(logits: outputs)
            let categorical = distributions[i]
            for (row, sample) in rows.enumerated() {
                let action = Int(rollout.actions[sample])
                let term = policyTerm(sample, logProbability: Double(categorical.logProbability(row: row, action: action)))
                policyLoss += term.loss
                categorical.addLogProbabilityGradient(row: row, action: action, scale: Float(term.slope) * scale, into: &policyGradients[i])
                entropy += Double(categorical.entropy(row: row))
                if entropyCoefficient > 0 {
                    categorical.addEntropyGradient(row: row, scale: -entropyCoefficient * scale, into: &policyGradients[i])
                }
            }
        case .gaussian:
            let logStd = policy.tasks[i].logStd!
            let gaussian = DiagonalGaussian(mean: outputs, logStd: policy.actionLogStd(i))
            var logStdGradient = [Float](repeating: 0, count: gaussian.dimensions)
            rollout.actions.withUnsafeBufferPointer { actions in
                for (row, sample) in rows.enumerated() {
                    let action = actions.baseAddress! + sample * gaussian.dimensions
                    let term = policyTerm(sample, logProbability: Double(gaussian.logProbability(row: row, action: action)))
                    policyLoss += term.loss
                    gaussian.addLogProbabilityGradient(
                        row: row, action: action, scale: Float(term.slope) * scale,
                        meanGradient: &policyGradients[i], logStdGradient: &logStdGradient)
                }
            }
            entropy = Double(gaussian.entropy) * Double(rowCount)
            gaussian.addEntropyGradient(scale: -entropyCoefficient, logStdGradient: &logStdGradient)
            if policy.distral != nil {
                actionLogStdGradients[i] = logStdGradient  // completed and routed by `distralGradients`
            } else {
                for dimension in 0..<gaussian.dimensions { logStd.gradient.storage[dimension] += logStdGradient[dimension] }
            }
        }

        // Value: ½(n − ŷ)², optionally clipped around the acting-time prediction (PPO).
        let valueCoefficient = settings.valueCoefficient
        let valueLossKind = ValueLoss(clipRange: settings.algorithm == .ppo && settings.valueClipRange > 0 ? settings.valueClipRange : nil)
        for (row, sample) in rows.enumerated() {
            let acting = valueLossKind.clipRange == nil ? 0 : popArt.normalize(rollout.values[sample], task: i)
            let term = valueLossKind.term(prediction: Double(values[row, 0]), target: targets[sample], acting: acting)
            valueLoss += term.loss
            valueGradients[i][row, 0] = Float(valueCoefficient * term.slope) * scale
        }
        let rowsDouble = Double(rowCount)
        return LossTerms(
            policy: policyLoss / rowsDouble, value: valueLoss / rowsDouble, entropy: entropy / rowsDouble,
            approximateKullbackLeibler: approximateKullbackLeibler / rowsDouble, clipFraction: Double(clipped) / rowsDouble)
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

    /// Distral's gradients for task i's minibatch (after `lossGradients` filled the actor-critic loss's
    /// gradient on the task's acting outputs), returning the Distral loss, `KL(π_i ‖ π₀)` and `H(π₀)` (row means).
    private func distralGradients(task i: Int, rows: [Int]) -> (loss: Double, kullbackLeibler: Double, distilledEntropy: Double) {
        switch policy.tasks[i].kind {
        case .categorical: categoricalDistralGradients(task: i, rows: rows)
        case .gaussian: gaussianDistralGradients(task: i, rows: rows)
        }
    }

    /// Distral's gradient on π₀'s logits h for discrete task i's minibatch (after `lossGradients` filled ∂L/∂z
    /// for the task's acting logits z), returning the distillation loss, `KL(π_i ‖ π₀)` and `H(π₀)` (row means).
    ///
    /// - 2 columns, `z = α·h + β·f_i` with the column's head giving `β·f_i`: the actor-critic gradient
    ///   reaches h as `∂L/∂h = α·∂L/∂z` (and the column as `∂L/∂z`); 1 column: `z = f_i`, and h gets no
    ///   actor-critic gradient.
    /// - Regularised agents add the distillation term (see `Distral`), weighted `(α/β)·distill_coef`
    ///   and averaged over the rows.
    private func categoricalDistralGradients(task i: Int, rows: [Int]) -> (loss: Double, kullbackLeibler: Double, distilledEntropy: Double) {
        let distral = policy.distral!
        let rowCount = rows.count
        distilledDistributions[i].update(logits: policy.distilledOutput(i))
        let distilled = distilledDistributions[i], taskPolicy = distributions[i]
        distilledGradients[i].reshape(rows: rowCount, columns: distilled.actionCount)
        distilledGradients[i].fill(0)
        if distral.columns == 2 {
            let alpha = Float(distral.alpha)
            distilledGradients[i].storage.withUnsafeMutableBufferPointer { distilledGradient in
                policyGradients[i].storage.withUnsafeBufferPointer { taskGradient in
                    for index in 0..<taskGradient.count { distilledGradient[index] = alpha * taskGradient[index] }
                }
            }
        }
        let weight = distral.isRegularized ? distral.alpha / distral.distralBeta * distral.distillationCoefficient : 0
        let scale = Float(weight) / Float(rowCount)
        var loss = 0.0, kl = 0.0, entropy = 0.0
        for (row, sample) in rows.enumerated() {
            let action = Int(learningRollouts[i].actions[sample])
            kl += Double(taskPolicy.kullbackLeibler(to: distilled, row: row))
            entropy += Double(distilled.entropy(row: row))
            guard weight > 0 else { continue }
            loss += weight * Distral.distillationLoss(distilled: distilled, task: taskPolicy, row: row, action: action, method: distral.distillation)
            Distral.addDistillationGradient(
                distilled: distilled, task: taskPolicy, row: row, action: action, method: distral.distillation,
                scale: scale, into: &distilledGradients[i])
        }
        return (loss / Double(rowCount), kl / Double(rowCount), entropy / Double(rowCount))
    }

    /// Distral's gradients for box task i's minibatch (after `lossGradients` filled ∂L/∂μ of the acting
    /// Gaussian's mean in `policyGradients[i]` and ∂L/∂log σ in `actionLogStdGradients[i]`), returning the
    /// regularisation and distillation losses, `KL(π_i ‖ π₀)` and `H(π₀)` (row means). See `Distral`:
    ///
    /// 1. Regularised agents add the gradient of `c_KL·KL(π_i ‖ sg(π₀)) − c_Ent·H(π_i)` on π_i (the part of ∇J
    ///    the closed-form reward leaves out), times the task's advantage scale, averaged over the rows.
    /// 2. π_i's gradients reach its parameters: the column (μ_f and `log_std.<task>`) directly in 1 column;
    ///    in 2 columns through `TwoColumnGaussian.backward`, which also passes its share to μ₀ and log σ₀.
    /// 3. The distillation term on μ₀ and log σ₀, weighted `(α/β)·distill_coef` and averaged over the rows.
    private func gaussianDistralGradients(task i: Int, rows: [Int]) -> (loss: Double, kullbackLeibler: Double, distilledEntropy: Double) {
        let distral = policy.distral!
        let rowCount = rows.count, dimensions = policy.tasks[i].kind.actionSize
        let distilledLogStd = policy.distilledLogStdParameter(i)!, columnLogStd = policy.tasks[i].logStd!
        let distilled = DiagonalGaussian(mean: policy.distilledOutput(i), logStd: distilledLogStd.value.storage)
        let taskPolicy = DiagonalGaussian(mean: policy.actionLogits(i), logStd: policy.actionLogStd(i))
        distilledGradients[i].reshape(rows: rowCount, columns: dimensions)
        distilledGradients[i].fill(0)
        var taskLogStdGradient = actionLogStdGradients[i]
        var distilledLogStdGradient = [Float](repeating: 0, count: dimensions)
        let alpha = distral.alpha, beta = distral.distralBeta
        var loss = 0.0, kl = 0.0

        // 1. The regularisation's own gradient on π_i, in the advantages' units.
        if distral.isRegularized {
            let scale = advantageScales[i] / Double(rowCount)
            for row in 0..<rowCount {
                loss += advantageScales[i] * Distral.regularizationLoss(task: taskPolicy, distilled: distilled, row: row, alpha: alpha, beta: beta)
                Distral.addRegularizationGradient(
                    task: taskPolicy, distilled: distilled, row: row, alpha: alpha, beta: beta, scale: Float(scale),
                    meanGradient: &policyGradients[i], logStdGradient: &taskLogStdGradient)
            }
        }

        // 2. π_i's gradients to the column (and, in 2 columns, to π₀).
        var columnLogStdGradient = taskLogStdGradient
        if distral.columns == 2 {
            columnLogStdGradient = [Float](repeating: 0, count: dimensions)
            policy.twoColumnGaussian(i).backward(
                distilledMean: distilled.mean, columnMean: policy.policyOutput(i), meanGradient: &policyGradients[i],
                logStdGradient: taskLogStdGradient, distilledMeanGradient: &distilledGradients[i],
                distilledLogStdGradient: &distilledLogStdGradient, columnLogStdGradient: &columnLogStdGradient)
        }
        for d in 0..<dimensions { columnLogStd.gradient.storage[d] += columnLogStdGradient[d] }

        // 3. Distillation of π₀.
        let weight = distral.isRegularized ? alpha / beta * distral.distillationCoefficient : 0
        let scale = Float(weight) / Float(rowCount)
        learningRollouts[i].actions.withUnsafeBufferPointer { actions in
            for (row, sample) in rows.enumerated() {
                let action = actions.baseAddress! + sample * dimensions
                kl += Double(taskPolicy.kullbackLeibler(to: distilled, row: row))
                guard weight > 0 else { continue }
                loss +=
                    weight * Distral.distillationLoss(distilled: distilled, task: taskPolicy, row: row, action: action, method: distral.distillation)
                Distral.addDistillationGradient(
                    distilled: distilled, task: taskPolicy, row: row, action: action, method: distral.distillation, scale: scale,
                    meanGradient: &distilledGradients[i], logStdGradient: &distilledLogStdGradient)
            }
        }
        for d in 0..<dimensions { distilledLogStd.gradient.storage[d] += distilledLogStdGradient[d] }
        return (loss / Double(rowCount), kl / Double(rowCount), Double(distilled.entropy))
    }

    /// Copies rollout rows `rows` of task i's observations into its minibatch input.
    private func gather(task i: Int, rows: [Int]) {
        let size = policy.tasks[i].observationSize
        minibatchInputs[i].reshape(rows: rows.count, columns: size)
        minibatchInputs[i].storage.withUnsafeMutableBufferPointer { destination in
            learningRollouts[i].observations.storage.withUnsafeBufferPointer { source in
                for (k, row) in rows.enumerated() {
                    (destination.baseAddress! + k * size).update(from: source.baseAddress! + row * size, count: size)
                }
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
    static func standardize(_ values: inout [Double]) { standardize(&values, like: values) }

    /// Subtracts the mean of `sample` and divides by its standard deviation (guarded): `values` are this rank's
    /// share of `sample`, every rank's values.
    static func standardize(_ values: inout [Double], like sample: [Double]) {
        guard let (mean, std) = moments(of: sample) else { return }
        for k in values.indices { values[k] = (values[k] - mean) / std }
    }

    /// The mean and standard deviation (guarded below by 1e-8) that `standardize` uses; nil for fewer than two values.
    static func moments(of sample: [Double]) -> (mean: Double, standardDeviation: Double)? {
        guard sample.count > 1 else { return nil }
        let mean = sample.reduce(0, +) / Double(sample.count)
        let variance = sample.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(sample.count)
        return (mean, max(variance.squareRoot(), 1e-8))
    }

    /// Data-parallel runs: every rank's targets and advantages of each task (one allgather for all tasks), laid
    /// out as the rows of the single-process rollout: step t holds rank 0's environments, then rank 1's, and so
    /// on. Nil in a single process.
    func estimatesOfEveryRank(_ estimates: [(targets: [Double], advantages: [Double])]) -> [(targets: [Double], advantages: [Double])]? {
        guard communicator.size > 1 else { return nil }
        let gathered = communicator.allgather(estimates.flatMap { $0.targets + $0.advantages })
        var offset = 0
        return estimates.indices.map { i in
            let count = estimates[i].targets.count, n = count / learningRollouts[i].steps
            func rows(from start: Int) -> [Double] {
                var rows: [Double] = []
                rows.reserveCapacity(count * gathered.count)
                for t in 0..<learningRollouts[i].steps {
                    for rank in gathered { rows.append(contentsOf: rank[(start + t * n)..<(start + (t + 1) * n)]) }
                }
                return rows
            }
            defer { offset += 2 * count }
            return (rows(from: offset), rows(from: offset + count))
        }
    }
}

/// The two roles of a pipelined iteration, run on two threads: role 0 the actor, role 1 the learner.
/// They share no state (see `PipelinedActor`); the learner's error, if any, is kept for the caller.
private final class PipelineRoles: @unchecked Sendable {
    let actor: PipelinedActor
    let learner: ActorCriticLearner
    var failure: TrainingError?
    /// How long each role took (each written by its own thread only).
    var actingSeconds = 0.0, learningSeconds = 0.0

    init(actor: PipelinedActor, learner: ActorCriticLearner) {
        self.actor = actor
        self.learner = learner
    }

    func run(_ role: Int) {
        let start = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        if role == 0 {
            actor.collect()
            actingSeconds = elapsed()
        } else {
            do { try learner.update() } catch { failure = error }
            learningSeconds = elapsed()
        }
    }
}
