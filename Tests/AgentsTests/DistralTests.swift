@testable import Agents
import Environments
import Foundation
import NeuralNetworks
import TestSupport
import Testing

/// Distral: the 2-column policy, the regularised reward, distillation, configuration and learning.
/// Reference numbers are algorithms.md §4.9's (h = (1, 0, −1), f = (0.5, 2, 0)).
@Suite struct DistralTests {
    static let h = Tensor(rows: 1, columns: 3, values: [1, 0, -1])
    static let f = Tensor(rows: 1, columns: 3, values: [0.5, 2, 0])
    static let distilled = [0.665240956, 0.244728471, 0.090030573]

    static let twoGoals = TaskSuite.fromText(
        """
        tasks:
          - {name: near, env: Gridworld, map: empty-8x8, solved_return: 0.8}
          - {name: far, env: Gridworld, map: empty-8x8, start: [6, 6], goal: [1, 1], solved_return: 0.8}
        """)

    func probabilities(alpha: Float, beta: Float, f: Tensor = f) -> [Double] {
        var z = Tensor(rows: 0, columns: 0)
        Distral.twoColumnLogits(h: Self.h, f: f, alpha: alpha, beta: beta, into: &z)
        let p = Categorical(logits: z)
        return (0..<3).map { Double(p.probability(row: 0, action: $0)) }
    }

    func expectClose(_ a: [Double], _ b: [Double], tolerance: Double = 1e-6, _ comment: Comment? = nil) {
        #expect(a.count == b.count)
        for (x, y) in zip(a, b) { #expect(abs(x - y) < tolerance, comment) }
    }

    static func distralConfiguration(columns: Int, kl: Double, entropy: Double) -> AgentConfiguration {
        var c = AgentConfiguration.tiny
        c.architecture = .singleTask
        c.entropyCoefficient = 0
        var d = DistralConfiguration()
        d.columns = columns
        d.klCoefficient = kl
        d.entropyCoefficient = entropy
        c.distral = d
        return c
    }

    @Test func twoColumnPolicyMatchesThePapersNumbers() {
        let zero = Tensor(rows: 1, columns: 3)
        expectClose(probabilities(alpha: 1, beta: 1, f: zero), Self.distilled, "α = 1, f ≡ 0 gives π₀")
        expectClose(probabilities(alpha: 1, beta: 0), Self.distilled, "β = 0 gives π₀")
        expectClose(probabilities(alpha: 0, beta: 1), [0.164251628, 0.736124724, 0.099623648], "α = 0 ignores π₀")
        expectClose(probabilities(alpha: 1, beta: 1), [0.366192216, 0.603748896, 0.030058888])
        expectClose(probabilities(alpha: 0.5, beta: 2), [0.075087312, 0.914750725, 0.010161963])
    }

    @Test func twoColumnFormEqualsTheSoftAdvantageForm() {
        // π_i = π₀^α · exp(β·Â) with Â = f − (1/β) log Σ π₀^α e^{βf}, which sums to 1 unnormalised.
        let alpha = 0.5, beta = 2.0, f = [0.5, 2.0, 0.0]
        let logPartition = log(zip(Self.distilled, f).map { pow($0, alpha) * exp(beta * $1) }.reduce(0, +))
        let soft = zip(Self.distilled, f).map { pow($0, alpha) * exp(beta * ($1 - logPartition / beta)) }
        #expect(abs(soft.reduce(0, +) - 1) < 1e-12)
        expectClose(probabilities(alpha: Float(alpha), beta: Float(beta)), soft)
    }

    @Test func aZeroTaskColumnLeavesSoftmaxOfAlphaH() {
        // Through the real policy: zero the column's output layer, and the 2-column logits are α·h.
        let c = Self.distralConfiguration(columns: 2, kl: 0.01, entropy: 0.03)
        let policy = MultiTaskPolicy(tasks: Self.twoGoals.tasks, configuration: c, seed: 3)
        for head in policy.tasks {
            let last = policy.networks[head.network].heads["policy.\(head.name)"]!.layers.last!
            last.weight.value.fill(0)
            last.bias.value.fill(0)
        }
        let inputs = policy.tasks.map { Tensor(rows: 5, columns: $0.observationSize, values: (0..<(5 * $0.observationSize)).map { Float($0 % 3) }) }
        policy.forward(inputs)
        #expect(c.distral!.alpha == 0.25)
        for i in policy.tasks.indices {
            let h = policy.distilledOutput(i), z = policy.actionLogits(i)
            #expect(h.storage.contains { $0 != 0 }, "π₀'s logits are not trivially zero")
            for k in 0..<h.storage.count { #expect(abs(z.storage[k] - 0.25 * h.storage[k]) < 1e-7) }
        }
    }

    @Test func regularisedRewardMatchesTheReference() {
        // α = 0.5, β = 2, action 1, R = 1, π_i from the α = 0.5, β = 2 two-column policy.
        let taskPolicy = probabilities(alpha: 0.5, beta: 2)
        let reward = 1 + Distral.rewardRegularization(logTask: log(taskPolicy[1]), logDistilled: log(Self.distilled[1]), alpha: 0.5, beta: 2)
        #expect(abs(reward - 0.69265035) < 1e-6)
    }

    @Test func klTermVanishesWhenTheTaskPolicyIsTheDistilledOne() {
        // π_i = π₀: KL-only Distral adds nothing to the reward, KL+ent adds exactly −c_Ent·log π_i, and the
        // distillation gradient is zero.
        let logP = log(0.3)
        #expect(Distral.rewardRegularization(logTask: logP, logDistilled: logP, alpha: 1, beta: 50) == 0)
        var d = DistralConfiguration()
        d.klCoefficient = 0.02; d.entropyCoefficient = 0.05
        let r = Distral.rewardRegularization(logTask: logP, logDistilled: logP, alpha: d.alpha, beta: d.distralBeta)
        #expect(abs(r - (-0.05 * logP)) < 1e-12)
        let p = Categorical(logits: Self.h)
        var gradient = Tensor(rows: 1, columns: 3)
        Distral.addDistillationGradient(distilled: p, task: p, row: 0, action: 0, method: .analytic, scale: 1, into: &gradient)
        #expect(gradient.storage.allSatisfy { abs($0) < 1e-7 })
        let loss = Distral.distillationLoss(distilled: p, task: p, row: 0, action: 0, method: .analytic)
        #expect(abs(loss - Double(p.entropy(row: 0))) < 1e-6, "cross-entropy of π₀ with itself is its entropy")
    }

    @Test func distillationGradientMatchesTheReferenceAndFiniteDifferences() {
        let taskPolicy = Categorical(
            logits: {
                var z = Tensor(rows: 0, columns: 0)
                Distral.twoColumnLogits(h: Self.h, f: Self.f, alpha: 0.5, beta: 2, into: &z); return z
            }())
        let distilled = Categorical(logits: Self.h)
        var gradient = Tensor(rows: 1, columns: 3)
        Distral.addDistillationGradient(distilled: distilled, task: taskPolicy, row: 0, action: 1, method: .analytic, scale: 0.25, into: &gradient)
        // Descent direction of −(α/β) Σ π_i log π₀: the negative of the reference ascent gradient.
        expectClose(gradient.storage.map(Double.init), [0.147538411, -0.167505564, 0.019967153])
        #expect(abs(gradient.storage.reduce(0, +)) < 1e-7)
        // Both forms against central differences of their losses.
        for method in DistralConfiguration.Distillation.allCases {
            var g = Tensor(rows: 1, columns: 3)
            Distral.addDistillationGradient(distilled: distilled, task: taskPolicy, row: 0, action: 1, method: method, scale: 1, into: &g)
            for j in 0..<3 {
                func loss(_ shift: Float) -> Double {
                    var h = Self.h; h[0, j] += shift
                    return Distral.distillationLoss(distilled: Categorical(logits: h), task: taskPolicy, row: 0, action: 1, method: method)
                }
                let numeric = (loss(1e-2) - loss(-1e-2)) / 2e-2
                #expect(abs(numeric - Double(g[0, j])) < 1e-3, "\(method) logit \(j)")
            }
        }
    }

    @Test func distillationPullsTheDistilledPolicyTowardTheTaskPolicies() throws {
        // Fixed task policies (two tasks, different preferences on the same states); descending the
        // distillation loss through π₀'s network brings π₀ to their centroid, driving the summed KL down.
        let c = Self.distralConfiguration(columns: 1, kl: 0.01, entropy: 0.01)
        let policy = MultiTaskPolicy(tasks: Self.twoGoals.tasks, configuration: c, seed: 5)
        let rows = 6
        let inputs = policy.tasks.map { _ in
            Tensor(
                rows: rows, columns: policy.tasks[0].observationSize,
                values: (0..<(rows * policy.tasks[0].observationSize)).map { Float(($0 * 7) % 5) / 5 })
        }
        let actions = policy.tasks[0].kind.outputSize
        let targets = [
            Categorical(logits: Tensor(rows: rows, columns: actions, values: (0..<(rows * actions)).map { $0 % actions == 0 ? 2 : 0 })),
            Categorical(logits: Tensor(rows: rows, columns: actions, values: (0..<(rows * actions)).map { $0 % actions == 1 ? 2 : 0 })),
        ]
        let centroid = (0..<actions).map { j in
            (Double(targets[0].probability(row: 0, action: j)) + Double(targets[1].probability(row: 0, action: j))) / 2
        }
        let distilledParameters = policy.parameters.filter { $0.name.hasPrefix("distilled.") }
        #expect(!distilledParameters.isEmpty && distilledParameters.count < policy.parameters.count)
        let optimizer = Adam(parameters: distilledParameters, epsilon: 1e-8)
        func kl() -> Double {
            policy.forward(inputs)
            return (0..<2).map { i in
                let p0 = Categorical(logits: policy.distilledOutput(i))
                return (0..<rows).map { Double(targets[i].kullbackLeibler(to: p0, row: $0)) }.reduce(0, +)
            }.reduce(0, +)
        }
        let before = kl()
        for _ in 0..<300 {
            policy.forward(inputs)
            for p in policy.parameters { p.gradient.fill(0) }
            let p0 = (0..<2).map { Categorical(logits: policy.distilledOutput($0)) }
            policy.backward { task, output, gradient in
                guard output == .distilled else { return }
                for r in 0..<rows {
                    Distral.addDistillationGradient(
                        distilled: p0[task], task: targets[task], row: r, action: 0, method: .analytic,
                        scale: 1 / Float(rows), into: &gradient)
                }
            }
            optimizer.step(learningRate: 1e-2)
        }
        let after = kl()
        #expect(after < 0.7 * before, "KL \(before) → \(after)")
        // Both tasks share one π₀ head on the same states: it settles on the centroid of the two targets.
        policy.forward(inputs)
        let p0 = Categorical(logits: policy.distilledOutput(0))
        expectClose((0..<actions).map { Double(p0.probability(row: 0, action: $0)) }, centroid, tolerance: 0.02)
    }

    @Test func rolloutRewardsCarryTheRegularisation() throws {
        let c = Self.distralConfiguration(columns: 2, kl: 0.05, entropy: 0.05)
        let trainer = ActorCriticLearner(tasks: Self.twoGoals.tasks, configuration: c, seed: 9)
        trainer.collectRollout()
        let d = c.distral!
        for rollout in trainer.rollouts {
            // Each step's term is (α/β)·log π₀ − (1/β)·log π_i with log π_i the acting log-probability.
            #expect(rollout.regularization.contains { $0 != 0 })
            for k in 0..<rollout.count {
                let logDistilled = (rollout.regularization[k] + rollout.logProbabilities[k] / d.distralBeta) * d.distralBeta / d.alpha
                #expect(logDistilled <= 1e-6, "log π₀(a) ≤ 0")
            }
        }
    }

    @Test func distralTrainingIsDeterministicAndResumesExactly() throws {
        let c = Self.distralConfiguration(columns: 2, kl: 0.01, entropy: 0.01)
        let a = ActorCriticLearner(tasks: Self.twoGoals.tasks, configuration: c, seed: 4, threads: 1)
        let b = ActorCriticLearner(tasks: Self.twoGoals.tasks, configuration: c, seed: 4, threads: 2)
        for _ in 0..<3 { try a.iterate(); try b.iterate() }
        #expect(a.policy.parameters.map(\.value.storage) == b.policy.parameters.map(\.value.storage))
        #expect(a.statistics == b.statistics && a.statistics[0].distilledKullbackLeibler > 0)
        let file = Fixtures.temporaryDirectory().appendingPathComponent("distral.safetensors")
        try a.checkpoint(suite: "two-goals").write(to: file)
        let resumed = ActorCriticLearner(tasks: Self.twoGoals.tasks, configuration: c, seed: 4)
        try resumed.restore(from: Checkpoint.read(from: file))
        for _ in 0..<2 { try a.iterate(); try resumed.iterate() }
        #expect(a.policy.parameters.map(\.value.storage) == resumed.policy.parameters.map(\.value.storage))
    }

    @Test func configurationIsStrict() throws {
        let base = "algorithm: a2c\n"
        let kl = try AgentConfiguration.parse(base + "distral: {columns: 1, c_kl: 0.01, c_ent: 0}\n", file: "kl.yaml")
        #expect(kl.distral?.alpha == 1 && kl.distral?.distralBeta == 100)
        let reparsed = try AgentConfiguration.parse(kl.yaml, file: "resolved.yaml")
        #expect(reparsed == kl, "the resolved YAML reads back to the same configuration")
        #expect(throws: ChorusError.self) { try AgentConfiguration.parse(base + "distral: {columns: 1, c_kl: 0, c_ent: 0}\n", file: "a.yaml") }
        #expect(throws: ChorusError.self) { try AgentConfiguration.parse(base + "distral: {columns: 3}\n", file: "b.yaml") }
        #expect(throws: ChorusError.self) { try AgentConfiguration.parse(base + "distral: {c_kl: 0.1, temperature: 2}\n", file: "c.yaml") }
        #expect(throws: ChorusError.self) { try AgentConfiguration.parse(base + "distral: {distillation: greedy}\n", file: "d.yaml") }
    }

    @Test(arguments: [1, 2])
    func everyActionSpaceIsAccepted(columns: Int) throws {
        // Box action spaces were once refused; now a whole classic-control suite (three discrete tasks, two box
        // tasks) gets a π₀ head per action space and a log σ₀ per box space, and an update runs.
        let suite = try Catalogue.repository.loadSuite("classic-control")
        let c = Self.distralConfiguration(columns: columns, kl: 0.01, entropy: 0.01)
        let trainer = ActorCriticLearner(tasks: suite.tasks, configuration: c, seed: 1)
        #expect(trainer.policy.distilled!.heads.keys.sorted() == ["policy.box-1", "policy.discrete-2", "policy.discrete-3"])
        #expect(trainer.policy.distilledLogStds.map(\.name) == ["distilled.log_std.box-1"])
        try trainer.iterate()
        #expect(trainer.statistics.allSatisfy { $0.distilledKullbackLeibler.isFinite && $0.distilledKullbackLeibler >= 0 })
    }

    @Test(arguments: ["distral-kl-1col", "distral-klent-1col", "distral-kl-2col", "distral-klent-2col", "shared-2col"])
    func presetsMatchThePapersVariants(name: String) {
        let c = AgentConfiguration.preset(name)
        let d = c.distral!
        #expect(c.architecture == .singleTask, "task columns are separate networks, as in the paper")
        #expect(d.columns == (name.hasSuffix("2col") ? 2 : 1))
        if name == "shared-2col" { #expect(!d.isRegularized && c.entropyCoefficient > 0) }
        if name.contains("-kl-") { #expect(d.alpha == 1 && c.entropyCoefficient == 0) }
        if name.contains("klent") { #expect(d.alpha == 0.5 && c.entropyCoefficient == 0) }
    }

    @Test(.tags(.learning), .learningEnabled) func klEntTwoColumnLearnsTwoGoals() throws {
        // The distral-klent-2col preset with a small budget: both goals reached ≥ 90% of the time.
        var c = AgentConfiguration.preset("distral-klent-2col")
        c.environmentsPerTask = 8
        c.rolloutSteps = 32
        c.totalSteps = 60_000
        let trainer = ActorCriticLearner(tasks: Self.twoGoals.tasks, configuration: c, seed: 2)
        while trainer.environmentSteps < c.totalSteps { try trainer.iterate() }
        let report = Evaluator(episodes: 10, seed: 5, deterministic: true)
            .evaluate(suite: "two-goals", tasks: Self.twoGoals.tasks, policy: trainer.policy, popArt: trainer.popArt, policyTask: [0, 1])
        for task in report.tasks { #expect(task.successRate >= 0.9, "\(task.name): \(task.successRate)") }
        // π₀ is the centroid of two opposite goals: it acts, and its KL to each task policy is finite.
        let distilled = Evaluator(episodes: 4, seed: 5, deterministic: true, choice: .distilled)
            .evaluate(suite: "two-goals", tasks: Self.twoGoals.tasks, policy: trainer.policy, popArt: trainer.popArt, policyTask: [0, 1])
        #expect(distilled.tasks.count == 2 && distilled.tasks.allSatisfy { $0.episodes == 4 })
    }
}
