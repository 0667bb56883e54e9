@testable import Agents
import Randomness
import Environments
import Foundation
import NeuralNetworks
import TestSupport
import Testing

/// The trainer: bootstrapping, determinism, PopArt in the loop, numerics and a learning bar.
@Suite struct ActorCriticLearnerTests {
    static let mixed = TaskSuite.fromText(
        """
        tasks:
          - {name: cart, env: CartPole-v1, solved_return: 475}
          - {name: pendulum, env: Pendulum-v1, max_steps: 7, reward_scale: 0.1, solved_return: -200}
          - {name: room, env: Gridworld, map: empty-8x8, solved_return: 0.9}
        """)

    func parameters(_ trainer: ActorCriticLearner) -> [[Float]] { trainer.policy.parameters.map(\.value.storage) }

    @Test func sameSeedSameNumbersWhateverTheThreads() throws {
        var c = AgentConfiguration.tiny
        c.popArt = true
        let a = ActorCriticLearner(tasks: Self.mixed.tasks, configuration: c, seed: 7, threads: 1)
        let b = ActorCriticLearner(tasks: Self.mixed.tasks, configuration: c, seed: 7, threads: 2)
        let other = ActorCriticLearner(tasks: Self.mixed.tasks, configuration: c, seed: 8, threads: 1)
        for _ in 0..<6 { try a.iterate(); try b.iterate(); try other.iterate() }
        #expect(parameters(a) == parameters(b))
        #expect(a.popArt == b.popArt && a.statistics == b.statistics)
        #expect(parameters(a) != parameters(other))
    }

    @Test func ppoIsDeterministicToo() throws {
        var c = AgentConfiguration.tiny
        c.algorithm = .ppo
        c.epochs = 3
        c.minibatches = 2
        c.estimator = .gae
        let a = ActorCriticLearner(tasks: Self.mixed.tasks, configuration: c, seed: 3)
        let b = ActorCriticLearner(tasks: Self.mixed.tasks, configuration: c, seed: 3)
        for _ in 0..<4 { try a.iterate(); try b.iterate() }
        #expect(parameters(a) == parameters(b))
    }

    @Test func truncationBootstrapsAndTerminationDoesNot() {
        // Pendulum never terminates; with max_steps 7 and 7 rollout steps every episode is truncated at t = 6.
        var c = AgentConfiguration.tiny
        c.rolloutSteps = 7
        let trainer = ActorCriticLearner(tasks: [Self.mixed.tasks[1]], configuration: c, seed: 1)
        trainer.collectRollout()
        let rollout = trainer.rollouts[0]
        let n = c.environmentsPerTask
        for b in 0..<n {
            for t in 0..<6 { #expect(rollout.discounts[t * n + b] == c.gamma) }
            #expect(rollout.discounts[6 * n + b] == 0, "the episode ended: no bootstrap through the discount")
        }
        // CartPole terminates: its terminal steps add nothing but the raw reward.
        let cart = ActorCriticLearner(tasks: [Self.mixed.tasks[0]], configuration: c, seed: 1)
        var terminations = 0
        for _ in 0..<10 {
            cart.collectRollout()
            let r = cart.rollouts[0]
            for i in 0..<r.count where r.discounts[i] == 0 {
                terminations += 1
                #expect(r.rewards[i] == 1, "termination: reward 1, no bootstrap")
            }
        }
        #expect(terminations > 0, "some CartPole episode terminated")
    }

    @Test func truncatedRewardIsRawPlusDiscountedFinalValue() {
        var c = AgentConfiguration.tiny
        c.rolloutSteps = 7
        c.environmentsPerTask = 1
        let task = Self.mixed.tasks[1]
        let trainer = ActorCriticLearner(tasks: [task], configuration: c, seed: 4)
        trainer.collectRollout()
        let rollout = trainer.rollouts[0]
        // Replay the same environment with the recorded (clipped) actions to get the raw reward and final observation.
        let batch = task.prototype.makeBatch(count: 1, seed: 4, stream: 0)
        var last = 0.0
        for t in 0..<7 {
            let action = [min(max(rollout.actions[t], -2), 2)]
            action.withUnsafeBufferPointer { batch.step(actions: $0) }
            last = batch.rewards[0]
        }
        trainer.policy.forward([Tensor(rows: 1, columns: 3, values: batch.finalObservations)])
        let value = Double(trainer.policy.valueOutput(0)[0, 0])
        #expect(abs(rollout.rewards[6] - (0.1 * last + c.gamma * value)) < 1e-9)
    }

    @Test func popArtPreservesValuesAcrossAnUpdateWithoutLearning() throws {
        var c = AgentConfiguration.tiny
        c.popArt = true
        c.popArtBeta = 0.05
        c.learningRate = 0
        let trainer = ActorCriticLearner(tasks: Self.mixed.tasks, configuration: c, seed: 5)
        let probe = Self.mixed.tasks.map { task in
            Tensor(rows: 3, columns: task.observationSpace.size, values: (0..<(3 * task.observationSpace.size)).map { Float($0 % 7) / 7 })
        }
        func values() -> [Double] {
            trainer.policy.forward(probe)
            return (0..<3).flatMap { i in (0..<3).map { trainer.popArt.unnormalize(Double(trainer.policy.valueOutput(i)[$0, 0]), task: i) } }
        }
        let before = values()
        try trainer.iterate(); try trainer.iterate()
        #expect(trainer.popArt.mean(0) != 0, "the statistics moved")
        let after = values()
        for (x, y) in zip(before, after) { #expect(abs(x - y) < 1e-4 * max(1, abs(x))) }
    }

    @Test func nonFiniteLossStopsWithTheTaskAndStep() {
        let suite = TaskSuite.fromText("tasks:\n  - {name: huge, env: CartPole-v1, reward_scale: 1.0e300, solved_return: 475}\n")
        let trainer = ActorCriticLearner(tasks: suite.tasks, configuration: .tiny, seed: 1)
        var message = ""
        do { for _ in 0..<50 { try trainer.iterate() } } catch { message = error.description }
        #expect(message.contains("non-finite") && message.contains("'huge'") && message.contains("step"))
    }

    @Test func checkpointRestoresTheWholeState() throws {
        var c = AgentConfiguration.tiny
        c.popArt = true
        let a = ActorCriticLearner(tasks: Self.mixed.tasks, configuration: c, seed: 11)
        for _ in 0..<3 { try a.iterate() }
        let saved = a.checkpoint(suite: "test")
        let b = ActorCriticLearner(tasks: Self.mixed.tasks, configuration: c, seed: 11)
        let file = Fixtures.temporaryDirectory().appendingPathComponent("state.safetensors")
        try saved.write(to: file)
        try b.restore(from: Checkpoint.read(from: file))
        for _ in 0..<3 { try a.iterate(); try b.iterate() }
        #expect(parameters(a) == parameters(b) && a.popArt == b.popArt && a.environmentSteps == b.environmentSteps)
    }

    /// A task with `sampling_weight: 3` steps three times the environments, counts them in the budget, and
    /// a PPO run over uneven rollouts is deterministic and resumes bit for bit.
    @Test func samplingWeightGivesATaskMoreEnvironmentsAndResumesExactly() throws {
        let weighted = TaskSuite.fromText(
            """
            tasks:
              - {name: cart, env: CartPole-v1, solved_return: 475, sampling_weight: 3}
              - {name: pendulum, env: Pendulum-v1, max_steps: 7, reward_scale: 0.1, solved_return: -200}
              - {name: room, env: Gridworld, map: empty-8x8, solved_return: 0.9}
            """)
        var c = AgentConfiguration.tiny
        c.algorithm = .ppo
        c.epochs = 2
        c.minibatches = 3
        c.estimator = .gae
        c.popArt = true
        let a = ActorCriticLearner(tasks: weighted.tasks, configuration: c, seed: 11)
        for _ in 0..<2 { try a.iterate() }
        #expect(a.collector.rollouts.map(\.environments) == [12, 4, 4])
        #expect(a.environmentSteps == 2 * 20 * c.rolloutSteps)
        let file = Fixtures.temporaryDirectory().appendingPathComponent("state.safetensors")
        try a.checkpoint(suite: "test").write(to: file)
        let b = ActorCriticLearner(tasks: weighted.tasks, configuration: c, seed: 11)
        try b.restore(from: Checkpoint.read(from: file))
        for _ in 0..<2 { try a.iterate(); try b.iterate() }
        #expect(parameters(a) == parameters(b) && a.popArt == b.popArt && a.statistics == b.statistics)
        let unweighted = ActorCriticLearner(tasks: Self.mixed.tasks, configuration: c, seed: 11)
        for _ in 0..<4 { try unweighted.iterate() }
        #expect(a.statistics[0].episodes > unweighted.statistics[0].episodes, "three times the CartPole environments finish more episodes")
    }

    /// `entropy_schedule: linear` anneals c_H to 0 over the budget; `constant` keeps it.
    @Test func entropyScheduleAnnealsTheCoefficient() throws {
        var c = AgentConfiguration.tiny
        c.entropyCoefficient = 0.02
        c.entropySchedule = .linear
        let learner = ActorCriticLearner(tasks: Self.mixed.tasks, configuration: c, seed: 1)
        c.totalSteps = 4 * learner.stepsPerIteration
        let annealed = ActorCriticLearner(tasks: Self.mixed.tasks, configuration: c, seed: 1)
        c.entropySchedule = .constant
        let constant = ActorCriticLearner(tasks: Self.mixed.tasks, configuration: c, seed: 1)
        #expect(annealed.entropyCoefficient == 0.02)
        for _ in 0..<2 { try annealed.iterate(); try constant.iterate() }
        #expect(abs(annealed.entropyCoefficient - 0.01) < 1e-12 && constant.entropyCoefficient == 0.02)
        #expect(parameters(annealed) != parameters(constant), "the smaller bonus changes the second update")
        let text = AgentConfiguration.tiny.yaml.replacingOccurrences(of: "entropy_schedule: constant", with: "entropy_schedule: linear")
        #expect(try AgentConfiguration.parse(text, file: "test.yaml").entropySchedule == .linear)
    }

    @Test func explainedVarianceIsOneForPerfectValuesAndZeroForTheMean() {
        #expect(ActorCriticLearner.explainedVariance(returns: [1, 2, 3, 6], values: [1, 2, 3, 6]) == 1)
        #expect(ActorCriticLearner.explainedVariance(returns: [1, 2, 3, 6], values: [3, 3, 3, 3]) == 0)
        #expect(abs(ActorCriticLearner.explainedVariance(returns: [1, 3], values: [2, 2]) - 0) < 1e-12)
        #expect(ActorCriticLearner.explainedVariance(returns: [2, 2, 2], values: [0, 1, 2]).isNaN, "returns that do not vary explain nothing")
    }

    @Test func ppoDiagnosticsAreZeroOnPolicyAndGrowWithEpochs() throws {
        var c = AgentConfiguration.tiny
        c.algorithm = .ppo
        c.epochs = 4
        c.minibatches = 2
        c.learningRate = 3e-3
        let trainer = ActorCriticLearner(tasks: Self.mixed.tasks, configuration: c, seed: 4)
        for _ in 0..<3 { try trainer.iterate() }
        for s in trainer.statistics {
            #expect(s.meanApproximateKullbackLeibler > 0 && s.meanApproximateKullbackLeibler < 1, "later epochs move away from the acting policy")
            #expect((0...1).contains(s.meanClipFraction))
            #expect(s.meanExplainedVariance.isFinite && s.meanExplainedVariance <= 1)
        }
        c.algorithm = .a2c
        let a2c = ActorCriticLearner(tasks: Self.mixed.tasks, configuration: c, seed: 4)
        try a2c.iterate()
        #expect(a2c.statistics.allSatisfy { $0.meanApproximateKullbackLeibler == 0 && $0.meanClipFraction == 0 }, "one on-policy update: ρ = 1")
    }

    @Test(.tags(.learning), .learningEnabled) func ppoLearnsCartPole() throws {
        // The `ppo` preset with a third of its budget: a real bar, well above random (≈ 22).
        let returns = try LearningRun.meanReturns(
            suite: "cartpole", configuration: .preset("ppo"), steps: 40_000, seed: 1, episodes: 10, deterministic: true)
        #expect(returns[0] >= 300, "mean return \(returns[0])")
    }

    @Test(.tags(.learning), .learningEnabled) func popArtPpoLearnsTwoGoalsOfAMaze() throws {
        let suite = TaskSuite.fromText(
            """
            tasks:
              - {name: near, env: Gridworld, map: empty-8x8, solved_return: 0.8}
              - {name: far, env: Gridworld, map: empty-8x8, start: [6, 6], goal: [1, 1], reward_scale: 100, solved_return: 0.8}
            """)
        var c = AgentConfiguration.preset("popart-ppo")
        c.environmentsPerTask = 8
        c.rolloutSteps = 32
        c.totalSteps = 60_000
        let trainer = ActorCriticLearner(tasks: suite.tasks, configuration: c, seed: 2)
        while trainer.environmentSteps < c.totalSteps { try trainer.iterate() }
        let report = Evaluator(episodes: 10, seed: 5, deterministic: true)
            .evaluate(suite: "maze", tasks: suite.tasks, policy: trainer.policy, popArt: trainer.popArt, policyTask: [0, 1])
        for task in report.tasks { #expect(task.successRate >= 0.9, "\(task.name): \(task.successRate)") }
    }
}

/// The whole PPO minibatch loss through the network, against finite differences.
@Suite struct ActorCriticLossGradientTests {
    /// `Σ_i L_i` over a minibatch of every task (categorical and Gaussian heads, clipped policy and value
    /// terms), after moving the parameters away from the acting ones so that ratios differ from 1: every
    /// parameter's gradient from `minibatchGradients` matches central differences of the loss.
    @Test(arguments: [["cart", "pendulum", "room"], ["room"]])
    func ppoMinibatchGradientMatchesFiniteDifferences(taskNames: [String]) throws {
        let tasks = try ActorCriticLearnerTests.mixed.selecting(taskNames).tasks
        var c = AgentConfiguration.tiny
        c.algorithm = .ppo
        c.clipRange = 0.1
        c.valueClipRange = 0.1
        c.entropyCoefficient = 0.05
        let learner = ActorCriticLearner(tasks: tasks, configuration: c, seed: 11)
        learner.collectRollout()
        var targets: [[Double]] = [], advantages: [[Double]] = []
        for rollout in learner.rollouts {
            let (returns, rawAdvantages) = ActorCriticLearner.returnsAndAdvantages(
                rollout, logRhos: Array(repeating: 0, count: rollout.count), configuration: c)
            var normalized = rawAdvantages
            ActorCriticLearner.standardize(&normalized)
            targets.append(returns)
            advantages.append(normalized)
        }
        var noise = RandomGenerator(seed: 99)
        for parameter in learner.policy.parameters {
            for k in parameter.value.storage.indices { parameter.value.storage[k] += Float(0.1 * noise.normal()) }
        }
        let rows = learner.rollouts.map { rollout in (0..<12).map { ($0 * 7) % rollout.count } }
        func loss() -> Double {
            (try? learner.minibatchGradients(rows: rows, targets: targets, advantages: advantages, clipRange: c.clipRange))?
                .reduce(0) { $0 + $1.total } ?? .nan
        }
        let terms = try learner.minibatchGradients(rows: rows, targets: targets, advantages: advantages, clipRange: c.clipRange)
        #expect(terms.contains { $0.clipFraction > 0 }, "the clipped branch is exercised")
        let analytic = learner.policy.parameters.map { $0.gradient.storage.map(Double.init) }
        for (parameter, gradient) in zip(learner.policy.parameters, analytic) {
            let checked = Array(stride(from: 0, to: parameter.value.count, by: max(1, parameter.value.count / 16)))
            var values = checked.map { parameter.value.storage[$0] }
            let numeric = GradientCheck.numerical(&values, step: 1e-3) { trial in
                for (index, value) in zip(checked, trial) { parameter.value.storage[index] = value }
                return loss()
            }
            for (index, value) in zip(checked, values) { parameter.value.storage[index] = value }
            GradientCheck.expectClose(checked.map { gradient[$0] }, numeric, tolerance: 2e-2, what: parameter.name)
        }
    }
}
