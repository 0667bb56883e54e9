@testable import Agents
import Environments
import Foundation
import NeuralNetworks
import Randomness
import TestSupport
import Testing

/// Policy distillation: the losses (algorithms.md §5.4's numbers), their gradients, teacher matching,
/// the distiller's zero-loss and determinism properties, and learning from a fixed teacher.
@Suite struct DistillationTests {
    // §5.4: teacher Q = (1.0, 1.1, 0.9), student z = (0.2, 0.3, −0.1).
    static let q: [Float] = [1.0, 1.1, 0.9]
    static let z: [Float] = [0.2, 0.3, -0.1]

    func categorical(_ loss: DistillationLoss, q: [Float] = q, z: [Float] = z, temperature: Double = 1, gradient: inout [Float]) -> Double {
        gradient = Array(repeating: 0, count: z.count)
        return q.withUnsafeBufferPointer { qp in
            z.withUnsafeBufferPointer { zp in
                gradient.withUnsafeMutableBufferPointer { g in
                    loss.categorical(
                        teacher: qp.baseAddress!, student: zp.baseAddress!, count: z.count, temperature: temperature, gradient: g.baseAddress!)
                }
            }
        }
    }

    func categorical(_ loss: DistillationLoss, q: [Float] = q, z: [Float] = z, temperature: Double = 1) -> Double {
        var unused: [Float] = []
        return categorical(loss, q: q, z: z, temperature: temperature, gradient: &unused)
    }

    @Test func referenceValues() {
        #expect(abs(categorical(.kl, temperature: 0.01) - 0.945415803) < 1e-6)
        #expect(abs(categorical(.kl, temperature: 0.1) - 0.174000178) < 1e-6)
        #expect(abs(categorical(.kl, temperature: 1) - 0.004089756) < 1e-6)
        #expect(abs(categorical(.nll) - 0.945910683) < 1e-6)
        #expect(abs(categorical(.mse) - 2.28) < 1e-5)
        let p = DistillationLoss.teacherProbabilities(Self.q, temperature: 0.1)
        for (a, b) in zip(p, [0.244728471, 0.665240956, 0.090030573]) { #expect(abs(a - b) < 1e-6) }
    }

    @Test func temperatureTowardsZeroGivesTheArgmax() {
        // The teacher's distribution becomes the one-hot argmax, the KL the NLL of it, with the same gradient.
        let sharp = DistillationLoss.teacherProbabilities(Self.q, temperature: 1e-3)
        #expect(sharp[1] > 1 - 1e-12 && sharp[0] < 1e-12 && sharp[2] < 1e-12)
        #expect(abs(categorical(.kl, temperature: 0.01) - categorical(.nll)) < 5e-4)
        var klGradient: [Float] = [], nllGradient: [Float] = []
        _ = categorical(.kl, temperature: 1e-3, gradient: &klGradient)
        _ = categorical(.nll, gradient: &nllGradient)
        GradientCheck.expectClose(klGradient.map(Double.init), nllGradient.map(Double.init), tolerance: 1e-6, what: "∂KL/∂z at τ→0")
        // A huge logit gap at a sharp temperature stays finite (log-space softmax).
        #expect(categorical(.kl, q: [1000, -1000, 0], temperature: 0.01).isFinite)
    }

    @Test func lossIsZeroWhenTheStudentMatches() {
        // KL = 0 for z = Q/τ + c, any c; MSE = 0 only for z = Q.
        for tau in [0.1, 1.0] {
            let shifted = Self.q.map { Float(Double($0) / tau) + 3.5 }
            #expect(abs(categorical(.kl, z: shifted, temperature: tau)) < 1e-7)
        }
        #expect(categorical(.mse, z: Self.q) == 0)
        #expect(categorical(.mse, z: Self.q.map { $0 + 1 }) > 0)
        let mean: [Float] = [0.3, -0.7]
        let logStd: [Float] = [-0.5, 0.2]
        for loss in [DistillationLoss.kl, .mse] {
            let value = mean.withUnsafeBufferPointer { m in
                loss.gaussian(teacherMean: m.baseAddress!, teacherLogStd: logStd, studentMean: m.baseAddress!, studentLogStd: logStd, temperature: 1)
            }
            #expect(abs(value) < 1e-9, "\(loss) of identical Gaussians")
        }
    }

    @Test func categoricalGradientsMatchFiniteDifferences() {
        for loss in DistillationLoss.allCases {
            for tau in [0.1, 1.0] {
                var analytic: [Float] = []
                _ = categorical(loss, temperature: tau, gradient: &analytic)
                var values = Self.z
                let numeric = GradientCheck.numerical(&values, step: 1e-3) { categorical(loss, z: $0, temperature: tau) }
                GradientCheck.expectClose(analytic.map(Double.init), numeric, tolerance: 1e-3, what: "\(loss) τ=\(tau)")
                if loss != .mse { #expect(abs(analytic.reduce(0, +)) < 1e-6, "softmax gradients sum to 0") }
            }
        }
    }

    @Test func gaussianGradientsMatchFiniteDifferences() {
        let teacherMean: [Float] = [0.4, -1.2], teacherLogStd: [Float] = [-0.3, 0.5]
        let studentMean: [Float] = [-0.1, -0.6], studentLogStd: [Float] = [0.2, -0.4]
        for loss in DistillationLoss.allCases {
            for tau in [0.5, 1.0] {
                func value(_ mean: [Float], _ logStd: [Float]) -> Double {
                    teacherMean.withUnsafeBufferPointer { t in
                        mean.withUnsafeBufferPointer { s in
                            loss.gaussian(
                                teacherMean: t.baseAddress!, teacherLogStd: teacherLogStd, studentMean: s.baseAddress!, studentLogStd: logStd,
                                temperature: tau)
                        }
                    }
                }
                var meanGradient: [Float] = [0, 0], logStdGradient: [Float] = [0, 0]
                teacherMean.withUnsafeBufferPointer { t in
                    studentMean.withUnsafeBufferPointer { s in
                        meanGradient.withUnsafeMutableBufferPointer { gm in
                            logStdGradient.withUnsafeMutableBufferPointer { gs in
                                _ = loss.gaussian(
                                    teacherMean: t.baseAddress!, teacherLogStd: teacherLogStd, studentMean: s.baseAddress!,
                                    studentLogStd: studentLogStd,
                                    temperature: tau, meanGradient: gm.baseAddress!, logStdGradient: gs.baseAddress!)
                            }
                        }
                    }
                }
                var mean = studentMean, logStd = studentLogStd
                GradientCheck.expectClose(
                    meanGradient.map(Double.init), GradientCheck.numerical(&mean, step: 1e-3) { value($0, studentLogStd) },
                    tolerance: 1e-3, what: "\(loss) τ=\(tau) ∂/∂μ")
                GradientCheck.expectClose(
                    logStdGradient.map(Double.init), GradientCheck.numerical(&logStd, step: 1e-3) { value(studentMean, $0) },
                    tolerance: 1e-3, what: "\(loss) τ=\(tau) ∂/∂logσ")
            }
        }
        // The closed form agrees with DiagonalGaussian's KL.
        let teacher = DiagonalGaussian(mean: Tensor(row: teacherMean), logStd: teacherLogStd)
        let student = DiagonalGaussian(mean: Tensor(row: studentMean), logStd: studentLogStd)
        let closed = teacherMean.withUnsafeBufferPointer { t in
            studentMean.withUnsafeBufferPointer { s in
                DistillationLoss.kl.gaussian(
                    teacherMean: t.baseAddress!, teacherLogStd: teacherLogStd, studentMean: s.baseAddress!, studentLogStd: studentLogStd,
                    temperature: 1)
            }
        }
        #expect(abs(closed - Double(teacher.kullbackLeibler(to: student, row: 0))) < 1e-5)
    }

    @Test func featureRegressionScalesQuadratically() {
        let h = Tensor(rows: 2, columns: 3, values: [0.1, -0.2, 0.3, 0.5, 0.0, -0.4])
        var gradient = Tensor(rows: 0, columns: 0)
        #expect(DistillationLoss.featureRegression(projected: h, target: h, coefficient: 0.01, gradient: &gradient) == 0)
        let off = Tensor(rows: 2, columns: 3, values: h.storage.map { $0 + 0.25 })
        let offTwice = Tensor(rows: 2, columns: 3, values: h.storage.map { $0 + 0.5 })
        let once = DistillationLoss.featureRegression(projected: off, target: h, coefficient: 0.01, gradient: &gradient)
        let twice = DistillationLoss.featureRegression(projected: offTwice, target: h, coefficient: 0.01, gradient: &gradient)
        #expect(once > 0 && abs(twice / once - 4) < 1e-5)
        var values = offTwice.storage
        let numeric = GradientCheck.numerical(&values, step: 1e-3) { v in
            var unused = Tensor(rows: 0, columns: 0)
            return DistillationLoss.featureRegression(
                projected: Tensor(rows: 2, columns: 3, values: v), target: h, coefficient: 0.01, gradient: &unused)
        }
        GradientCheck.expectClose(gradient.storage.map(Double.init), numeric, tolerance: 1e-3, what: "feature regression")
    }

    // MARK: Distiller

    static func student(_ base: AgentConfiguration, loss: DistillationLoss = .kl, featureCoefficient: Double = 0) -> AgentConfiguration {
        var c = base
        var d = DistillationConfiguration()
        d.loss = loss
        d.batchSize = 64
        d.updatesPerTask = 2
        d.featureCoefficient = featureCoefficient
        c.distillation = d
        return c
    }

    static func teachers(_ runs: [URL], suite: String, tasks: [String]? = nil) throws -> (TaskSuite, Teachers) {
        var loaded = try Catalogue.repository.loadSuite(suite)
        if let tasks { loaded = try loaded.selecting(tasks) }
        return (loaded, try Teachers(runs.map(\.path), suite: loaded, suiteReference: suite, catalogue: .repository))
    }

    @Test func studentEqualToItsTeacherHasZeroLoss() throws {
        // Same network, tasks and seed: the student starts as an exact copy of its (untrained) teacher.
        let base = AgentConfiguration.tiny
        let run = TeacherFixture.write(suite: "classic-control", tasks: ["CartPole-v1", "Pendulum-v1"], configuration: base, seed: 7)
        let (suite, teachers) = try Self.teachers([run], suite: "classic-control", tasks: ["CartPole-v1", "Pendulum-v1"])
        for loss in [DistillationLoss.kl, .mse] {
            let distiller = Distiller(tasks: suite.tasks, configuration: Self.student(base, loss: loss), teachers: teachers, seed: 7)
            distiller.collect()
            for i in suite.tasks.indices {
                try distiller.update(task: i)
                let s = distiller.statistics[i]
                #expect(abs(s.policyLoss) < 1e-6, "\(loss) loss of task \(i): \(s.policyLoss)")
                #expect(abs(s.distilledKullbackLeibler) < 1e-6)
                #expect(abs(s.valueLoss) < 1e-10)
            }
        }
    }

    @Test func distillerGradientMatchesFiniteDifferences() throws {
        // The whole minibatch loss (policy KL + value + Actor-Mimic features) against a student weight.
        let teacherConfiguration = AgentConfiguration.tiny
        let run = TeacherFixture.write(suite: "classic-control", tasks: ["Acrobot-v1", "Pendulum-v1"], configuration: teacherConfiguration, seed: 3)
        let (suite, teachers) = try Self.teachers([run], suite: "classic-control", tasks: ["Acrobot-v1", "Pendulum-v1"])
        var c = Self.student(.tiny, featureCoefficient: 0.5)
        c.torsoSizes = [8]
        c.maxGradientNorm = 0
        c.learningRate = 1e-9
        for task in suite.tasks.indices {
            let distiller = Distiller(tasks: suite.tasks, configuration: c, teachers: teachers, seed: 5)
            distiller.collect()
            // One fixed minibatch; each call also takes an optimizer step of 1e-9, far below the difference step.
            let rows = Array(0..<16)
            func loss() -> Double {
                try? distiller.update(task: task, rows: rows)
                return distiller.lastLoss
            }
            _ = loss()  // fills the gradients at the current parameters (the step is 1e-9)
            for parameter in [distiller.policy.networks[0].torso.parameters[0], distiller.projections[task].parameters[0]] {
                let analytic = parameter.gradient.storage
                let saved = parameter.value.storage
                var values = saved
                let numeric = GradientCheck.numerical(&values, step: 1e-2) { v in
                    parameter.value.storage = v; return loss()
                }
                parameter.value.storage = saved
                GradientCheck.expectClose(
                    Array(analytic.prefix(24)).map(Double.init), Array(numeric.prefix(24)), tolerance: 3e-2, what: "\(parameter.name) task \(task)")
            }
        }
    }

    @Test func teachersAreMatchedByTaskName() throws {
        let base = AgentConfiguration.tiny
        let cartpole = TeacherFixture.write(suite: "classic-control", tasks: ["CartPole-v1"], configuration: base, seed: 1)
        let acrobot = TeacherFixture.write(suite: "classic-control", tasks: ["Acrobot-v1"], configuration: base, seed: 1)
        let both = TeacherFixture.write(suite: "classic-control", tasks: ["CartPole-v1", "Acrobot-v1"], configuration: base, seed: 1)
        let (_, matched) = try Self.teachers([acrobot, cartpole], suite: "classic-control", tasks: ["CartPole-v1", "Acrobot-v1"])
        #expect(matched.assignments.map(\.run) == [1, 0])

        func problem(_ runs: [URL], tasks: [String]) -> String {
            do { _ = try Self.teachers(runs, suite: "classic-control", tasks: tasks); return "" } catch let error as ChorusError {
                return error.description
            } catch { return "\(error)" }
        }
        #expect(problem([cartpole], tasks: ["CartPole-v1", "Acrobot-v1"]).contains("task 'Acrobot-v1' has no teacher"))
        #expect(problem([cartpole, both], tasks: ["CartPole-v1", "Acrobot-v1"]).contains("teaches task 'CartPole-v1'"))
        #expect(problem([cartpole, acrobot], tasks: ["CartPole-v1"]).contains("teaches none of the tasks"))
        // Same name, other spaces: a suite whose "CartPole-v1" is really Acrobot.
        let directory = Fixtures.temporaryDirectory("impostor")
        let impostor = Fixtures.write("tasks:\n  - {name: CartPole-v1, env: Acrobot-v1, solved_return: -100}\n", to: "impostor.yaml", in: directory)
        do {
            let suite = try Catalogue.repository.loadSuite(impostor.path)
            _ = try Teachers([cartpole.path], suite: suite, suiteReference: impostor.path, catalogue: .repository)
            Issue.record("a teacher with other spaces was accepted")
        } catch {
            #expect(error.description.contains("other observation or action spaces"))
        }
    }

    @Test func sameSeedSameStudentWhateverTheThreads() throws {
        let run = TeacherFixture.write(suite: "classic-control", tasks: ["CartPole-v1", "Pendulum-v1"], configuration: .tiny, seed: 2, iterations: 3)
        let (suite, teachers) = try Self.teachers([run], suite: "classic-control", tasks: ["CartPole-v1", "Pendulum-v1"])
        func train(threads: Int) throws -> [[Float]] {
            let distiller = Distiller(
                tasks: suite.tasks, configuration: Self.student(.tiny, featureCoefficient: 0.01), teachers: teachers, seed: 4, threads: threads)
            for _ in 0..<4 { try distiller.iterate() }
            return distiller.policy.parameters.map(\.value.storage)
        }
        let a = try train(threads: 1), b = try train(threads: 1), c = try train(threads: 2)
        #expect(a == b, "same seed, same parameters")
        #expect(a == c, "the thread count does not change the numbers")
        let other = Distiller(tasks: suite.tasks, configuration: Self.student(.tiny), teachers: teachers, seed: 5)
        try other.iterate()
        #expect(other.policy.parameters.map(\.value.storage) != a)
    }

    @Test func minibatchTasksAreUniform() throws {
        // Each minibatch is one task's; over 1,000 draws each of 3 tasks is within ±5σ of 1000/3.
        let run = TeacherFixture.write(suite: "classic-control", tasks: ["CartPole-v1", "Acrobot-v1", "Pendulum-v1"], configuration: .tiny, seed: 1)
        let (suite, teachers) = try Self.teachers([run], suite: "classic-control", tasks: ["CartPole-v1", "Acrobot-v1", "Pendulum-v1"])
        var c = Self.student(.tiny)
        c.distillation!.updatesPerTask = 334
        c.distillation!.batchSize = 1
        let distiller = Distiller(tasks: suite.tasks, configuration: c, teachers: teachers, seed: 9)
        try distiller.iterate()
        let counts = distiller.statistics.map(\.updates)
        #expect(counts.reduce(0, +) == 1002)
        let sigma = (1002.0 * (1.0 / 3) * (2.0 / 3)).squareRoot()
        for n in counts { #expect(abs(Double(n) - 334) < 5 * sigma, "task counts \(counts)") }
    }

    @Test(.tags(.learning), .learningEnabled) func studentReachesNinetyPercentOfAFixedTeacher() throws {
        // The shipped pretrained classic-control agent teaches CartPole and Acrobot to a student of the
        // `distill` preset in 80k environment steps (40k per task).
        let teacher = Fixtures.repositoryRoot.appendingPathComponent("agents/pretrained/classic-control")
        let (suite, teachers) = try Self.teachers([teacher], suite: "classic-control", tasks: ["CartPole-v1", "Acrobot-v1"])
        var c = AgentConfiguration.preset("distill")
        c.totalSteps = 80_000
        let distiller = Distiller(tasks: suite.tasks, configuration: c, teachers: teachers, seed: 1)
        while distiller.environmentSteps < c.totalSteps { try distiller.iterate() }
        let evaluator = Evaluator(episodes: 10, seed: 99, deterministic: false)
        let student = evaluator.evaluate(
            suite: suite.name, tasks: suite.tasks, policy: distiller.policy, popArt: distiller.popArt, policyTask: [0, 1])
        let teacherReport = evaluator.evaluate(suite: suite.name, tasks: suite.tasks, actors: teachers.actors)
        let comparison = DistillationComparison(student: student, teachers: teacherReport, teacherParameters: [1, 1], studentParameters: 1)
        for row in comparison.rows {
            #expect(row.teacherScore > 0.9, "the pretrained teacher solves \(row.name)")
            #expect((row.percent ?? 0) >= 90, "\(row.name): student at \(row.percent ?? 0)% of its teacher")
        }
        // The student's value heads read returns in the teacher's units.
        #expect(abs(distiller.popArt.mean(0) - teachers.valueScale(task: 0).mean) < 1e-9)
    }
}
