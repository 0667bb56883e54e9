import Environments
import Foundation
import NeuralNetworks
import Randomness

/// Policy distillation (Rusu et al. 2015) with Actor-Mimic's options (Parisotto et al. 2015): one
/// multi-task student network learns every task's policy from that task's teacher by supervised learning.
///
/// Each iteration:
/// 1. **Collect.** Every task's environments take `rollout_steps` steps. The driver (the student by
///    default, or the teacher) samples the actions; every visited state is labelled by the task's
///    teacher (its logits or Gaussian mean, normalised value and last hidden layer) and appended to
///    the task's replay.
/// 2. **Learn.** `updates_per_task × tasks` minibatch updates. Each draws one task uniformly, then
///    `batch_size` of its stored states uniformly, and minimises the mean over the rows of
///    `L = L_policy(teacher_τ, student) + c_V·½(v_S − v_T)² + β·‖W_i·h_S + b_i − h_T‖²`,
///    where `L_policy` is the preset's `DistillationLoss`, `v` are value-head outputs in the teacher's
///    PopArt units (so the student reuses each teacher's statistics) and the last term is Actor-Mimic's
///    feature regression with a linear map per task (off when β = `feature_coef` = 0).
///    Gradients are clipped to `max_grad_norm` and applied by the preset's optimizer.
///
/// Every random draw (actions, tasks, rows) comes from the run's generator or the environments' own
/// seeded streams, in a fixed order: the same seed gives the same student bit for bit.
public final class Distiller: Learner {
    public let tasks: [Task]
    public let configuration: AgentConfiguration
    public let settings: DistillationConfiguration
    public let seed: UInt64
    public let policy: MultiTaskPolicy
    public let popArt: PopArt
    public let teachers: Teachers
    /// Schedule, gradient reduction, clipping, finite check and the optimizer, shared with the actor-critic trainer.
    public var optimization: OptimizationStep
    public var optimizer: any Optimizer { optimization.optimizer }
    /// Actor-Mimic's linear maps from the student's last hidden layer to each teacher's (when β > 0).
    public let projections: [Linear]
    public private(set) var environmentSteps = 0
    public private(set) var updates = 0
    /// The objective `L` of the last minibatch (policy + weighted value + feature terms, row means).
    public private(set) var lastLoss = 0.0
    public var statistics: [TaskStatistics]

    let environments: EnvironmentLoop
    private var rng: RandomGenerator
    private(set) var replays: [DistillationReplay]
    /// Each task's minibatch of observations (empty for the tasks a minibatch does not draw).
    private var minibatchInputs: [Tensor]
    // Minibatch buffers.
    private var targetOutputs = Tensor(rows: 0, columns: 0), targetValues = Tensor(rows: 0, columns: 0)
    private var targetFeatures = Tensor(rows: 0, columns: 0), projected = Tensor(rows: 0, columns: 0)
    private var projectedGradient = Tensor(rows: 0, columns: 0), featureGradient = Tensor(rows: 0, columns: 0)
    private var policyGradient = Tensor(rows: 0, columns: 0), valueGradient = Tensor(rows: 0, columns: 0)

    /// A student for `tasks` with the preset's network, learning from `teachers` (matched to `tasks`).
    public init(tasks: [Task], configuration: AgentConfiguration, teachers: Teachers, seed: UInt64, threads: Int = 1) {
        precondition(teachers.assignments.count == tasks.count, "one teacher per task")
        var c = configuration
        c.popArt = true  // value heads are read with the teachers' statistics, unclamped
        c.popArtSigmaMin = 1e-12; c.popArtSigmaMax = 1e12
        c.normalizeObservations = false  // the student reads raw observations (each teacher normalises its own)
        let settings = c.distillation ?? DistillationConfiguration()
        c.distillation = settings
        self.tasks = tasks
        self.configuration = c
        self.settings = settings
        self.seed = seed
        self.teachers = teachers
        policy = MultiTaskPolicy(tasks: tasks, configuration: c, seed: seed)
        var popArt = PopArt(tasks: tasks.count, enabled: true, beta: c.popArtBeta, sigmaMin: 1e-12, sigmaMax: 1e12)
        let scales = tasks.indices.map { teachers.valueScale(task: $0) }
        popArt.restore(means: scales.map(\.mean), secondMoments: scales.map { $0.sigma * $0.sigma + $0.mean * $0.mean })
        self.popArt = popArt

        var projectionRNG = RandomGenerator(seed: seed, stream: 0xD15_0002)
        let studentFeatures = c.torsoSizes.last!
        projections =
            settings.featureCoefficient > 0
            ? tasks.indices.map {
                Linear(
                    name: "feature_regression.\(tasks[$0].name)", inputs: studentFeatures, outputs: teachers.featureSize(task: $0),
                    initialization: .orthogonal(gain: 1), using: &projectionRNG)
            }
            : []
        optimization = OptimizationStep(parameters: policy.parameters + projections.flatMap(\.parameters), configuration: c)
        environments = EnvironmentLoop(tasks: tasks, heads: policy.tasks, environmentsPerTask: c.environmentsPerTask, seed: seed, threads: threads)
        rng = RandomGenerator(seed: seed, stream: 0xD15_0001)
        statistics = Array(repeating: TaskStatistics(), count: tasks.count)
        let heads = policy.tasks, keepFeatures = settings.featureCoefficient > 0
        replays = heads.indices.map { i in
            DistillationReplay(
                capacity: settings.replayCapacity, observationSize: heads[i].observationSize,
                outputSize: heads[i].kind.outputSize, featureSize: keepFeatures ? teachers.featureSize(task: i) : 0)
        }
        minibatchInputs = heads.map { Tensor(rows: 0, columns: $0.observationSize) }
    }

    /// Environment steps taken by one iteration (all tasks).
    public var stepsPerIteration: Int { environments.stepsPerStep * configuration.rolloutSteps }

    public func iterate() throws(TrainingError) {
        collect()
        for _ in 0..<(settings.updatesPerTask * tasks.count) {
            try update(task: rng.integer(below: tasks.count))
        }
    }

    /// Every task's statistics, with `distillation/kl`, KL(teacher_τ ‖ student); `losses/policy_loss` is the distillation loss.
    public func addMetrics(to metrics: inout IntervalMetrics) {
        for (i, task) in statistics.enumerated() {
            metrics.add(task, task: i)
            metrics.add("distillation/kl", task.meanDistilledKullbackLeibler, task: tasks[i].name)
        }
    }

    // MARK: Collecting

    /// Steps every task's environments `rollout_steps` times, storing teacher-labelled states.
    func collect() {
        let driverIsStudent = settings.driver == .student
        for _ in 0..<configuration.rolloutSteps {
            environments.loadObservations()
            let inputs = environments.inputs
            if driverIsStudent { policy.forward(inputs) }
            for i in tasks.indices {
                teachers.forward(task: i, observations: inputs[i])
                replays[i].append(
                    observations: inputs[i], outputs: teachers.outputs(task: i), values: teachers.values(task: i),
                    features: projections.isEmpty ? nil : teachers.features(task: i))
                environments.sample(
                    task: i, from: driverIsStudent ? policy.actionLogits(i) : teachers.outputs(task: i),
                    logStd: driverIsStudent ? policy.tasks[i].logStd?.value.storage ?? [] : teachers.logStd(task: i), using: &rng)
            }
            environments.step()
            environments.recordFinishedEpisodes(into: &statistics)
        }
        environmentSteps += stepsPerIteration
    }

    // MARK: Learning

    /// One minibatch update on task i's replay (the loss in the type's summary); `rows` fixes the
    /// minibatch's replay rows instead of drawing them (for tests).
    func update(task i: Int, rows fixed: [Int]? = nil) throws(TrainingError) {
        let c = configuration
        let rows = fixed ?? replays[i].sample(settings.batchSize, using: &rng)
        let m = rows.count
        for other in tasks.indices where other != i { minibatchInputs[other].reshape(rows: 0, columns: policy.tasks[other].observationSize) }
        replays[i].gather(rows, observations: &minibatchInputs[i], outputs: &targetOutputs, values: &targetValues, features: &targetFeatures)
        policy.forward(minibatchInputs)
        policy.zeroGradients()
        for p in projections { p.zeroGradients() }

        let losses = policyLoss(task: i, rows: m)
        var valueLoss = 0.0
        let values = policy.valueOutput(i)
        valueGradient.reshape(rows: m, columns: 1)
        for k in 0..<m {
            let error = Double(values[k, 0]) - Double(targetValues[k, 0])
            valueLoss += 0.5 * error * error
            valueGradient[k, 0] = Float(c.valueCoefficient * error / Double(m))
        }
        let featureLoss = projections.isEmpty ? 0 : featureRegression(task: i)
        guard losses.loss.isFinite, valueLoss.isFinite, featureLoss.isFinite else {
            throw TrainingError(
                "non-finite distillation loss in task '\(tasks[i].name)' at step \(environmentSteps) (policy \(losses.loss), value \(valueLoss), features \(featureLoss))"
            )
        }
        lastLoss = losses.loss + c.valueCoefficient * valueLoss / Double(m) + featureLoss
        statistics[i].policyLoss += losses.loss
        statistics[i].valueLoss += valueLoss / Double(m)
        statistics[i].entropy += losses.entropy
        statistics[i].distilledKullbackLeibler += losses.kullbackLeibler
        statistics[i].updates += 1

        let policyGradient = policyGradient, valueGradient = valueGradient, featureGradient = featureGradient
        policy.backward(
            { task, output, gradient in
                guard task == i else { return }
                switch output {
                case .policy: gradient.copyRows(0..<m, of: policyGradient)
                case .value: gradient.copyRows(0..<m, of: valueGradient)
                case .distilled: break
                }
            },
            featureGradient: projections.isEmpty
                ? nil
                : { task, gradient in
                    if task == i { gradient.addRows(0..<m, of: featureGradient) }
                })
        try optimization.apply(atStep: environmentSteps)
        updates += 1
    }

    /// Fills `policyGradient` with ∂L_policy/∂(student outputs) for task i's minibatch (and the log-std
    /// gradient for Gaussian heads); returns the row means of the loss, of KL(teacher_τ ‖ student) and of
    /// the student's entropy.
    private func policyLoss(task i: Int, rows m: Int) -> (loss: Double, kullbackLeibler: Double, entropy: Double) {
        let outputs = policy.actionLogits(i)
        let width = outputs.columns, scale = 1 / Float(m), loss = settings.loss, tau = settings.temperature
        policyGradient.reshape(rows: m, columns: width)
        policyGradient.fill(0)
        var total = 0.0, kl = 0.0, entropy = 0.0
        switch policy.tasks[i].kind {
        case .categorical:
            let distribution = Categorical(logits: outputs)
            targetOutputs.storage.withUnsafeBufferPointer { q in
                outputs.storage.withUnsafeBufferPointer { z in
                    policyGradient.storage.withUnsafeMutableBufferPointer { g in
                        for k in 0..<m {
                            let qk = q.baseAddress! + k * width, zk = z.baseAddress! + k * width
                            let value = loss.categorical(
                                teacher: qk, student: zk, count: width, temperature: tau, scale: scale, gradient: g.baseAddress! + k * width)
                            total += value
                            kl += loss == .kl ? value : DistillationLoss.kl.categorical(teacher: qk, student: zk, count: width, temperature: tau)
                            entropy += Double(distribution.entropy(row: k))
                        }
                    }
                }
            }
        case .gaussian:
            let logStd = policy.tasks[i].logStd!
            let studentLogStd = logStd.value.storage, teacherLogStd = teachers.logStd(task: i)
            var logStdGradient = [Float](repeating: 0, count: width)
            targetOutputs.storage.withUnsafeBufferPointer { q in
                outputs.storage.withUnsafeBufferPointer { z in
                    policyGradient.storage.withUnsafeMutableBufferPointer { g in
                        logStdGradient.withUnsafeMutableBufferPointer { gs in
                            for k in 0..<m {
                                let qk = q.baseAddress! + k * width, zk = z.baseAddress! + k * width
                                let value = loss.gaussian(
                                    teacherMean: qk, teacherLogStd: teacherLogStd, studentMean: zk, studentLogStd: studentLogStd,
                                    temperature: tau, scale: scale, meanGradient: g.baseAddress! + k * width, logStdGradient: gs.baseAddress!)
                                total += value
                                kl +=
                                    loss == .kl
                                    ? value
                                    : DistillationLoss.kl.gaussian(
                                        teacherMean: qk, teacherLogStd: teacherLogStd, studentMean: zk,
                                        studentLogStd: studentLogStd, temperature: tau)
                            }
                        }
                    }
                }
            }
            entropy = Double(DiagonalGaussian(mean: outputs, logStd: studentLogStd).entropy) * Double(m)
            for d in 0..<width { logStd.gradient.storage[d] += logStdGradient[d] }
        }
        return (total / Double(m), kl / Double(m), entropy / Double(m))
    }

    /// Actor-Mimic's feature regression for task i's minibatch: `β·mean_rows ‖W_i·h_S + b_i − h_T‖²`.
    /// Accumulates the map's gradients and leaves ∂L/∂h_S in `featureGradient`; returns the loss.
    private func featureRegression(task i: Int) -> Double {
        let beta = settings.featureCoefficient
        let studentFeatures = policy.features(i)
        projections[i].forward(studentFeatures, into: &projected)
        let loss = DistillationLoss.featureRegression(projected: projected, target: targetFeatures, coefficient: beta, gradient: &projectedGradient)
        withUnsafeMutablePointer(to: &featureGradient) { dx in
            projections[i].backward(input: studentFeatures, outputGradient: projectedGradient, inputGradient: dx)
        }
        return loss
    }

    // MARK: Checkpoints

    /// The student as an ordinary training checkpoint (readable by `eval`, `watch` and `plot`), with the
    /// teachers' value statistics as its PopArt state and the teachers' files in its metadata.
    public func checkpoint(suite: String) -> Checkpoint {
        var checkpoint = Checkpoint(parameters: policy.parameters, metadata: CheckpointLayout.identity(of: self, suite: suite))
        checkpoint.metadata[CheckpointLayout.teachers] = teachers.runs.map(\.file).joined(separator: "\n")
        CheckpointLayout.store(popArt, in: &checkpoint)
        return checkpoint
    }
}
