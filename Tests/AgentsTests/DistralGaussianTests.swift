@testable import Agents
import Environments
import Foundation
import NeuralNetworks
import Randomness
import TestSupport
import Testing

/// Distral on box action spaces: the diagonal-Gaussian KL and entropy, the closed-form reward, the
/// regularisation and distillation gradients, the 2-column product of Gaussians, and learning on a suite
/// that mixes discrete and box tasks.
@Suite struct DistralGaussianTests {
    /// π_i and π₀ on two rows (states) of a 2-dimensional action space.
    static let taskPolicy = DiagonalGaussian(mean: Tensor(rows: 2, columns: 2, values: [0.3, -1.2, 1.5, 0.4]), logStd: [-0.4, 0.25])
    static let distilled = DiagonalGaussian(mean: Tensor(rows: 2, columns: 2, values: [-0.5, -0.7, 0.9, 1.1]), logStd: [0.1, -0.3])
    /// One (unclipped) action per row, for the sampled forms.
    static let actions: [[Float]] = [[0.8, -1.5], [1.1, 0.9]]

    static func mixedSuite(_ names: [String] = ["CartPole-v1", "Pendulum-v1"]) throws -> TaskSuite {
        try Catalogue.repository.loadSuite("classic-control").selecting(names)
    }

    static func distralConfiguration(
        columns: Int, distillation: DistralConfiguration.Distillation = .analytic, pipelined: Bool = false
    ) -> AgentConfiguration {
        var c = AgentConfiguration.tiny
        c.algorithm = .ppo
        c.epochs = 2
        c.minibatches = 2
        c.architecture = .singleTask
        c.entropyCoefficient = 0
        c.popArt = true
        if pipelined {
            c.actorLearner = .pipelined
            c.estimator = .vtrace
        }
        var d = DistralConfiguration()
        d.columns = columns
        d.klCoefficient = 0.05
        d.entropyCoefficient = 0.02
        d.distillation = distillation
        c.distral = d
        return c
    }

    /// `log N(a; μ, σ²)` of a diagonal Gaussian, written out in Double (independently of `DiagonalGaussian`).
    static func logDensity(mean: [Double], logStd: [Double], at action: [Double]) -> Double {
        var total = 0.0
        for d in mean.indices {
            let z = (action[d] - mean[d]) / exp(logStd[d])
            total += -0.5 * z * z - logStd[d] - 0.5 * log(2 * Double.pi)
        }
        return total
    }

    static func row(_ gaussian: DiagonalGaussian, _ r: Int) -> (mean: [Double], logStd: [Double]) {
        ((0..<gaussian.dimensions).map { Double(gaussian.mean[r, $0]) }, gaussian.logStd.map(Double.init))
    }

    @Test func klAndEntropyClosedFormsMatchNumericIntegration() {
        // Midpoint rule on a 2-D grid spanning ±10 σ_i of π_i: ∫ p_i (log p_i − log p₀) and −∫ p_i log p_i.
        for r in 0..<2 {
            let (taskMean, taskLogStd) = Self.row(Self.taskPolicy, r)
            let (distilledMean, distilledLogStd) = Self.row(Self.distilled, r)
            let cells = 500
            let low = (0..<2).map { taskMean[$0] - 10 * exp(taskLogStd[$0]) }
            let width = (0..<2).map { 20 * exp(taskLogStd[$0]) / Double(cells) }
            var kl = 0.0, entropy = 0.0
            for x in 0..<cells {
                for y in 0..<cells {
                    let a = [low[0] + (Double(x) + 0.5) * width[0], low[1] + (Double(y) + 0.5) * width[1]]
                    let logTask = Self.logDensity(mean: taskMean, logStd: taskLogStd, at: a)
                    let logDistilled = Self.logDensity(mean: distilledMean, logStd: distilledLogStd, at: a)
                    let mass = exp(logTask) * width[0] * width[1]
                    kl += mass * (logTask - logDistilled)
                    entropy -= mass * logTask
                }
            }
            #expect(abs(Double(Self.taskPolicy.kullbackLeibler(to: Self.distilled, row: r)) - kl) < 1e-5, "row \(r): KL \(kl)")
            #expect(abs(Double(Self.taskPolicy.entropy) - entropy) < 1e-5, "row \(r): H \(entropy)")
        }
    }

    @Test func closedFormRewardIsTheExpectationOfTheDiscreteFormula() {
        // Monte Carlo, fixed seed: E_{a∼π_i}[(α/β)·log π₀(a) − (1/β)·log π_i(a)] = −c_KL·KL(π_i ‖ π₀) + c_Ent·H(π_i).
        let alpha = 0.4, beta = 3.0
        var rng = RandomGenerator(seed: 17, stream: 3)
        let samples = 200_000
        for r in 0..<2 {
            var sum = 0.0, squares = 0.0
            var action: [Float] = [0, 0]
            for _ in 0..<samples {
                action.withUnsafeMutableBufferPointer { Self.taskPolicy.sample(row: r, into: $0.baseAddress!, using: &rng) }
                let a = action.map(Double.init)
                let (taskMean, taskLogStd) = Self.row(Self.taskPolicy, r)
                let (distilledMean, distilledLogStd) = Self.row(Self.distilled, r)
                let term =
                    Distral.rewardRegularization(
                        logTask: Self.logDensity(mean: taskMean, logStd: taskLogStd, at: a),
                        logDistilled: Self.logDensity(mean: distilledMean, logStd: distilledLogStd, at: a), alpha: alpha, beta: beta)
                sum += term
                squares += term * term
            }
            let mean = sum / Double(samples)
            let standardError = ((squares / Double(samples) - mean * mean) / Double(samples)).squareRoot()
            let closedForm = Distral.rewardRegularization(task: Self.taskPolicy, distilled: Self.distilled, row: r, alpha: alpha, beta: beta)
            #expect(abs(mean - closedForm) < 4 * standardError, "row \(r): Monte Carlo \(mean) ± \(standardError), closed form \(closedForm)")
            #expect(standardError < 0.01)
        }
    }

    @Test func klAndDistillationGradientVanishWhenTheTaskPolicyIsTheDistilledOne() {
        let same = Self.distilled
        var d = DistralConfiguration()
        d.klCoefficient = 0.02
        d.entropyCoefficient = 0.05
        for r in 0..<2 {
            #expect(abs(same.kullbackLeibler(to: same, row: r)) < 1e-7)
            // Only the entropy part of the reward is left: c_Ent·H(π_i).
            let reward = Distral.rewardRegularization(task: same, distilled: same, row: r, alpha: d.alpha, beta: d.distralBeta)
            #expect(abs(reward - 0.05 * Double(same.entropy)) < 1e-7)
            var meanGradient = Tensor(rows: 2, columns: 2), logStdGradient: [Float] = [0, 0]
            Distral.addDistillationGradient(
                distilled: same, task: same, row: r, action: [0, 0], method: .analytic, scale: 1, meanGradient: &meanGradient,
                logStdGradient: &logStdGradient)
            #expect(meanGradient.storage.allSatisfy { abs($0) < 1e-6 } && logStdGradient.allSatisfy { abs($0) < 1e-6 })
            let loss = Distral.distillationLoss(distilled: same, task: same, row: r, action: [0, 0], method: .analytic)
            #expect(abs(loss - Double(same.entropy)) < 1e-6, "cross-entropy of π₀ with itself is its entropy")
            // The regularisation's gradient on π_i: no KL pull, only the entropy's −c_Ent on each log σ_i.
            meanGradient.fill(0)
            logStdGradient = [0, 0]
            Distral.addRegularizationGradient(
                task: same, distilled: same, row: r, alpha: d.alpha, beta: d.distralBeta, scale: 1, meanGradient: &meanGradient,
                logStdGradient: &logStdGradient)
            #expect(meanGradient.storage.allSatisfy { abs($0) < 1e-6 } && logStdGradient.allSatisfy { abs($0 + 0.05) < 1e-6 })
        }
    }

    @Test(arguments: DistralConfiguration.Distillation.allCases)
    func distillationGradientMatchesFiniteDifferences(method: DistralConfiguration.Distillation) {
        // ∂/∂μ₀ and ∂/∂log σ₀ of Σ_rows L₀ against central differences (analytic: (μ₀ − μ_i)/σ₀² and
        // 1 − (σ_i² + (μ_i − μ₀)²)/σ₀²).
        func loss(mean: Tensor, logStd: [Float]) -> Double {
            let distilled = DiagonalGaussian(mean: mean, logStd: logStd)
            return (0..<2).map { r in
                Distral.distillationLoss(distilled: distilled, task: Self.taskPolicy, row: r, action: Self.actions[r], method: method)
            }.reduce(0, +)
        }
        var meanGradient = Tensor(rows: 2, columns: 2), logStdGradient: [Float] = [0, 0]
        for r in 0..<2 {
            Distral.addDistillationGradient(
                distilled: Self.distilled, task: Self.taskPolicy, row: r, action: Self.actions[r], method: method, scale: 1,
                meanGradient: &meanGradient, logStdGradient: &logStdGradient)
        }
        var mean = Self.distilled.mean.storage, logStd = Self.distilled.logStd
        let numericMean = GradientCheck.numerical(&mean) { loss(mean: Tensor(rows: 2, columns: 2, values: $0), logStd: Self.distilled.logStd) }
        let numericLogStd = GradientCheck.numerical(&logStd) { loss(mean: Self.distilled.mean, logStd: $0) }
        GradientCheck.expectClose(meanGradient.storage.map(Double.init), numericMean, tolerance: 2e-3, what: "\(method) μ₀")
        GradientCheck.expectClose(logStdGradient.map(Double.init), numericLogStd, tolerance: 2e-3, what: "\(method) log σ₀")
    }

    @Test func regularizationGradientMatchesFiniteDifferences() {
        // The closed-form reward's own gradient on π_i: ∂/∂(μ_i, log σ_i) of Σ_rows c_KL·KL(π_i ‖ π₀) − c_Ent·H(π_i).
        let alpha = 0.3, beta = 20.0
        func loss(mean: Tensor, logStd: [Float]) -> Double {
            let task = DiagonalGaussian(mean: mean, logStd: logStd)
            return (0..<2).map { Distral.regularizationLoss(task: task, distilled: Self.distilled, row: $0, alpha: alpha, beta: beta) }.reduce(0, +)
        }
        var meanGradient = Tensor(rows: 2, columns: 2), logStdGradient: [Float] = [0, 0]
        for r in 0..<2 {
            Distral.addRegularizationGradient(
                task: Self.taskPolicy, distilled: Self.distilled, row: r, alpha: alpha, beta: beta, scale: 1, meanGradient: &meanGradient,
                logStdGradient: &logStdGradient)
        }
        var mean = Self.taskPolicy.mean.storage, logStd = Self.taskPolicy.logStd
        let numericMean = GradientCheck.numerical(&mean) { loss(mean: Tensor(rows: 2, columns: 2, values: $0), logStd: Self.taskPolicy.logStd) }
        let numericLogStd = GradientCheck.numerical(&logStd) { loss(mean: Self.taskPolicy.mean, logStd: $0) }
        GradientCheck.expectClose(meanGradient.storage.map(Double.init), numericMean, tolerance: 1e-3, what: "μ_i")
        GradientCheck.expectClose(logStdGradient.map(Double.init), numericLogStd, tolerance: 1e-3, what: "log σ_i")
    }

    @Test func twoColumnPolicyIsTheNormalisedProductOfTheColumns() {
        // π_i ∝ π₀^α · q_i: log π_i(a) − α·log π₀(a) − log q_i(a) is the same for every a.
        let column = Self.taskPolicy
        for alpha in [0.25, 0.5, 1] {
            let product = TwoColumnGaussian(distilledLogStd: Self.distilled.logStd, columnLogStd: column.logStd, alpha: alpha)
            var mean = Tensor(rows: 0, columns: 0)
            product.mean(distilled: Self.distilled.mean, column: column.mean, into: &mean)
            let combined = DiagonalGaussian(mean: mean, logStd: product.logStd)
            for r in 0..<2 {
                let (combinedMean, combinedLogStd) = Self.row(combined, r)
                let (distilledMean, distilledLogStd) = Self.row(Self.distilled, r)
                let (columnMean, columnLogStd) = Self.row(column, r)
                let offsets = [[0.0, 0.0], [1.3, -0.4], [-2.1, 0.7], [0.2, 2.5]].map { a in
                    Self.logDensity(mean: combinedMean, logStd: combinedLogStd, at: a)
                        - alpha * Self.logDensity(mean: distilledMean, logStd: distilledLogStd, at: a)
                        - Self.logDensity(mean: columnMean, logStd: columnLogStd, at: a)
                }
                for offset in offsets { #expect(abs(offset - offsets[0]) < 1e-5, "α = \(alpha), row \(r): \(offsets)") }
            }
            for d in 0..<2 { #expect(abs(product.distilledWeights[d] + product.columnWeights[d] - 1) < 1e-6) }
        }
        // α = 0 leaves the column; α = 1 with equal spreads averages the means and halves the variance.
        let alone = TwoColumnGaussian(distilledLogStd: Self.distilled.logStd, columnLogStd: column.logStd, alpha: 0)
        #expect(alone.logStd == column.logStd && alone.columnWeights == [1, 1])
        let even = TwoColumnGaussian(distilledLogStd: [0.2], columnLogStd: [0.2], alpha: 1)
        var mean = Tensor(rows: 0, columns: 0)
        even.mean(distilled: Tensor(rows: 1, columns: 1, values: [1]), column: Tensor(rows: 1, columns: 1, values: [3]), into: &mean)
        #expect(abs(mean[0, 0] - 2) < 1e-6 && abs(even.logStd[0] - (0.2 - 0.5 * Float(log(2.0)))) < 1e-6)
    }

    @Test func twoColumnLogProbabilityGradientMatchesFiniteDifferencesOnBothColumns() {
        // L = Σ_rows log π_i(a_r) + 0.3·H(π_i), π_i = π₀^α·q_i: ∂L/∂(μ₀, log σ₀, μ_f, log σ_f) through `backward`.
        let alpha = 0.5, entropyWeight: Float = 0.3
        let column = Self.taskPolicy
        func loss(distilledMean: Tensor, distilledLogStd: [Float], columnMean: Tensor, columnLogStd: [Float]) -> Double {
            let product = TwoColumnGaussian(distilledLogStd: distilledLogStd, columnLogStd: columnLogStd, alpha: alpha)
            var mean = Tensor(rows: 0, columns: 0)
            product.mean(distilled: distilledMean, column: columnMean, into: &mean)
            let combined = DiagonalGaussian(mean: mean, logStd: product.logStd)
            let logProbabilities = (0..<2).map { Double(combined.logProbability(row: $0, action: Self.actions[$0])) }
            return logProbabilities.reduce(0, +) + Double(entropyWeight) * Double(combined.entropy)
        }
        let product = TwoColumnGaussian(distilledLogStd: Self.distilled.logStd, columnLogStd: column.logStd, alpha: alpha)
        var mean = Tensor(rows: 0, columns: 0)
        product.mean(distilled: Self.distilled.mean, column: column.mean, into: &mean)
        let combined = DiagonalGaussian(mean: mean, logStd: product.logStd)
        var meanGradient = Tensor(rows: 2, columns: 2), logStdGradient: [Float] = [0, 0]
        for r in 0..<2 {
            combined.addLogProbabilityGradient(
                row: r, action: Self.actions[r], scale: 1, meanGradient: &meanGradient, logStdGradient: &logStdGradient)
        }
        combined.addEntropyGradient(scale: entropyWeight, logStdGradient: &logStdGradient)
        var distilledMeanGradient = Tensor(rows: 2, columns: 2), distilledLogStdGradient: [Float] = [0, 0], columnLogStdGradient: [Float] = [0, 0]
        product.backward(
            distilledMean: Self.distilled.mean, columnMean: column.mean, meanGradient: &meanGradient, logStdGradient: logStdGradient,
            distilledMeanGradient: &distilledMeanGradient, distilledLogStdGradient: &distilledLogStdGradient,
            columnLogStdGradient: &columnLogStdGradient)
        let columnMeanGradient = meanGradient

        let step: Float = 1e-2
        func expectMatches(_ analytic: Float, _ shift: (Float) -> Double, _ what: String) {
            let numeric = (shift(step) - shift(-step)) / Double(2 * step)
            #expect(abs(numeric - Double(analytic)) < 2e-3 * max(1, abs(numeric)), "\(what): numeric \(numeric), analytic \(analytic)")
        }
        for k in 0..<4 {
            expectMatches(
                distilledMeanGradient.storage[k],
                { h in
                    var m = Self.distilled.mean
                    m.storage[k] += h
                    return loss(distilledMean: m, distilledLogStd: Self.distilled.logStd, columnMean: column.mean, columnLogStd: column.logStd)
                }, "μ₀[\(k)]")
            expectMatches(
                columnMeanGradient.storage[k],
                { h in
                    var m = column.mean
                    m.storage[k] += h
                    return loss(
                        distilledMean: Self.distilled.mean, distilledLogStd: Self.distilled.logStd, columnMean: m, columnLogStd: column.logStd)
                }, "μ_f[\(k)]")
        }
        for d in 0..<2 {
            expectMatches(
                distilledLogStdGradient[d],
                { h in
                    var s = Self.distilled.logStd
                    s[d] += h
                    return loss(distilledMean: Self.distilled.mean, distilledLogStd: s, columnMean: column.mean, columnLogStd: column.logStd)
                }, "log σ₀[\(d)]")
            expectMatches(
                columnLogStdGradient[d],
                { h in
                    var s = column.logStd
                    s[d] += h
                    return loss(distilledMean: Self.distilled.mean, distilledLogStd: Self.distilled.logStd, columnMean: column.mean, columnLogStd: s)
                }, "log σ_f[\(d)]")
        }
    }

    @Test func distilledPolicyHasAMeanHeadAndALogStdPerBoxActionSpace() throws {
        let suite = try Self.mixedSuite(["CartPole-v1", "Pendulum-v1", "MountainCarContinuous-v0"])
        let policy = MultiTaskPolicy(tasks: suite.tasks, configuration: Self.distralConfiguration(columns: 1), seed: 1)
        #expect(policy.distilledLogStds.map(\.name) == ["distilled.log_std.box-1"])
        #expect(policy.distilledLogStdParameter(0) == nil)
        let pendulum = try #require(policy.distilledLogStdParameter(1)), mountainCar = try #require(policy.distilledLogStdParameter(2))
        #expect(pendulum === mountainCar, "π₀'s spread is shared like its head")
        #expect(policy.parameters.last === pendulum && policy.parameters.filter { $0.name.hasPrefix("distilled.") }.count > 1)
        #expect(policy.distilled!.heads.keys.sorted() == ["policy.box-1", "policy.discrete-2"])
        let plain = MultiTaskPolicy(tasks: suite.tasks, configuration: AgentConfiguration.tiny, seed: 1)
        #expect(plain.distilledLogStds.isEmpty && !plain.parameters.contains { $0.name.hasPrefix("distilled.") })

        // π₀ acts on a box task with its mean (deterministic) and its own σ₀.
        pendulum.value.storage = [-1.5]
        let observation: [Float] = [0.3, -0.9, 0.2]
        var rng = RandomGenerator(seed: 2)
        let decision = policy.decide(
            task: 1, observation: observation, actionSpace: suite.tasks[1].actionSpace, choice: .distilled, deterministic: true,
            popArt: PopArt(tasks: 3, enabled: false, beta: 0, sigmaMin: 1, sigmaMax: 1), using: &rng)
        #expect(decision.mean == [policy.distilledOutput(1)[0, 0]] && decision.action == decision.mean)
        #expect(abs(decision.standardDeviation[0] - expf(-1.5)) < 1e-7 && decision.value == nil)
    }

    @Test func twoColumnBoxPolicyActsWithTheProduct() throws {
        let suite = try Self.mixedSuite()
        let c = Self.distralConfiguration(columns: 2)
        let policy = MultiTaskPolicy(tasks: suite.tasks, configuration: c, seed: 4)
        policy.distilledLogStdParameter(1)!.value.storage = [0.4]
        policy.tasks[1].logStd!.value.storage = [-0.2]
        let inputs = policy.tasks.map {
            Tensor(rows: 3, columns: $0.observationSize, values: (0..<(3 * $0.observationSize)).map { Float($0 % 4) / 4 })
        }
        policy.forward(inputs)
        let product = TwoColumnGaussian(distilledLogStd: [0.4], columnLogStd: [-0.2], alpha: c.distral!.alpha)
        var mean = Tensor(rows: 0, columns: 0)
        product.mean(distilled: policy.distilledOutput(1), column: policy.policyOutput(1), into: &mean)
        #expect(policy.actionLogits(1).storage == mean.storage && policy.actionLogStd(1) == product.logStd)
        #expect(policy.actionLogStd(task: 1, choice: .distilled) == [0.4] && policy.actionLogStd(task: 0, choice: .trained).isEmpty)
        #expect(policy.actionLogits(1).storage != policy.policyOutput(1).storage, "π₀ shifts the column's mean")
    }

    @Test func boxRolloutRewardsCarryTheClosedFormRegularisation() throws {
        let suite = try Self.mixedSuite()
        let c = Self.distralConfiguration(columns: 2)
        let trainer = ActorCriticLearner(tasks: suite.tasks, configuration: c, seed: 9)
        trainer.policy.distilledLogStdParameter(1)!.value.storage = [0.3]
        trainer.collectRollout()
        let d = c.distral!
        let rollout = trainer.rollouts[1]
        trainer.policy.forward([Tensor(rows: 0, columns: suite.tasks[0].observationSpace.size), rollout.observations])
        let taskPolicy = DiagonalGaussian(mean: trainer.policy.actionLogits(1), logStd: trainer.policy.actionLogStd(1))
        let distilled = DiagonalGaussian(mean: trainer.policy.distilledOutput(1), logStd: [0.3])
        #expect(rollout.regularization.contains { $0 != 0 })
        for k in 0..<rollout.count {
            let expected =
                -d.klCoefficient * Double(taskPolicy.kullbackLeibler(to: distilled, row: k)) + d.entropyCoefficient * Double(taskPolicy.entropy)
            #expect(abs(rollout.regularization[k] - expected) < 1e-6, "row \(k): \(rollout.regularization[k]) vs \(expected)")
        }
        // The discrete task keeps the sampled form: (α/β)·log π₀(a) − (1/β)·log π_i(a), so log π₀(a) ≤ 0.
        for k in 0..<trainer.rollouts[0].count {
            let logDistilled =
                (trainer.rollouts[0].regularization[k] + trainer.rollouts[0].logProbabilities[k] / d.distralBeta) * d.distralBeta / d.alpha
            #expect(logDistilled <= 1e-5)
        }
    }

    @Test(arguments: DistralConfiguration.Distillation.allCases)
    func learnerGradientOnTheDistilledLogStdIsTheWeightedDistillationGradient(method: DistralConfiguration.Distillation) throws {
        // 1 column: π₀'s log σ₀ gets only the distillation term, (α/β)·distill_coef times the row mean of its
        // per-row gradient, from the minibatch the learner just evaluated.
        let suite = try Self.mixedSuite()
        var c = Self.distralConfiguration(columns: 1, distillation: method)
        c.distral!.distillationCoefficient = 3
        let trainer = ActorCriticLearner(tasks: suite.tasks, configuration: c, seed: 6)
        trainer.policy.distilledLogStdParameter(1)!.value.storage = [0.5]
        trainer.collectRollout()
        let rows = [3, 0, 7, 12, 5]
        let zeros = trainer.rollouts.map { [Double](repeating: 0, count: $0.count) }
        _ = try trainer.minibatchGradients(rows: [rows, rows], targets: zeros, advantages: zeros, clipRange: 0.2)
        let policy = trainer.policy
        let taskPolicy = DiagonalGaussian(mean: policy.actionLogits(1), logStd: policy.actionLogStd(1))
        let distilled = DiagonalGaussian(mean: policy.distilledOutput(1), logStd: [0.5])
        var meanGradient = Tensor(rows: rows.count, columns: 1), logStdGradient: [Float] = [0]
        let weight = c.distral!.alpha / c.distral!.distralBeta * 3
        for (row, sample) in rows.enumerated() {
            let action = Array(trainer.rollouts[1].actions[sample..<(sample + 1)])
            Distral.addDistillationGradient(
                distilled: distilled, task: taskPolicy, row: row, action: action, method: method, scale: Float(weight) / Float(rows.count),
                meanGradient: &meanGradient, logStdGradient: &logStdGradient)
        }
        let learned = policy.distilledLogStdParameter(1)!.gradient.storage[0]
        #expect(
            logStdGradient[0] != 0 && abs(learned - logStdGradient[0]) < 1e-6 * max(1, abs(logStdGradient[0])), "\(learned) vs \(logStdGradient[0])")
    }

    @Test(arguments: [(1, DistralConfiguration.Distillation.analytic, false), (2, .sampled, false), (2, .analytic, true)])
    func mixedSuiteLearnsDeterministicallyAndResumesExactly(columns: Int, distillation: DistralConfiguration.Distillation, pipelined: Bool) throws {
        let suite = try Self.mixedSuite()
        let c = Self.distralConfiguration(columns: columns, distillation: distillation, pipelined: pipelined)
        let a = ActorCriticLearner(tasks: suite.tasks, configuration: c, seed: 4, threads: 1)
        let b = ActorCriticLearner(tasks: suite.tasks, configuration: c, seed: 4, threads: 2)
        for _ in 0..<3 {
            try a.iterate()
            try b.iterate()
        }
        #expect(a.policy.parameters.map(\.value.storage) == b.policy.parameters.map(\.value.storage))
        #expect(a.statistics == b.statistics)
        let box = a.statistics[1]
        #expect(box.distilledKullbackLeibler > 0 && box.distilledKullbackLeibler.isFinite && box.distilledEntropy.isFinite)
        #expect(a.policy.distilledLogStds[0].value.storage != [0], "π₀'s log σ₀ learns")
        #expect(a.policy.tasks[1].logStd!.value.storage != [0], "the column's log σ_f learns")

        let file = Fixtures.temporaryDirectory().appendingPathComponent("distral-mixed.safetensors")
        try a.checkpoint(suite: "classic-control").write(to: file)
        let resumed = ActorCriticLearner(tasks: suite.tasks, configuration: c, seed: 4)
        try resumed.restore(from: Checkpoint.read(from: file))
        #expect(resumed.policy.distilledLogStds[0].value.storage == a.policy.distilledLogStds[0].value.storage)
        for _ in 0..<2 {
            try a.iterate()
            try resumed.iterate()
        }
        #expect(a.policy.parameters.map(\.value.storage) == resumed.policy.parameters.map(\.value.storage))
    }
}
