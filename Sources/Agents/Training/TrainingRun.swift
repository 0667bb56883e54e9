import Environments
import Foundation
import NeuralNetworks

/// A training run in its directory: `config.yaml`, `metrics.csv`, `checkpoints/{latest,best}.safetensors`
/// and, at the end, `evaluation.txt` and `evaluation.json`.
///
/// Checkpoints are written at every log interval, when stopped, and at the end; each holds the whole
/// training state, so `resume` continues bit for bit. Every file is written to a temporary name and renamed.
public final class TrainingRun {
    public let directory: URL
    public let suite: TaskSuite
    public let suiteReference: String
    public let learner: any Learner
    private var metricsRows: [String] = []
    private var bestScore = -Double.infinity
    private let randomReturns: [Double]
    /// Each task's latest normalised training score (0 until its first episode), for choosing the best checkpoint.
    private var lastScores: [Double] = []

    public static let metricsHeader = "step,task,episodes,return_mean,episode_length,success_rate,policy_loss,value_loss,entropy,kl_distilled,entropy_distilled,popart_mu,popart_sigma,steps_per_second"

    public var latestCheckpoint: URL { directory.appendingPathComponent("checkpoints/latest.safetensors") }
    public var bestCheckpoint: URL { directory.appendingPathComponent("checkpoints/best.safetensors") }
    public var metricsFile: URL { directory.appendingPathComponent("metrics.csv") }

    /// A new actor-critic run in `directory` (which must not already hold a run).
    public convenience init(directory: URL, suite: TaskSuite, suiteReference: String, configuration: AgentConfiguration, seed: UInt64, threads: Int) throws(ChorusError) {
        try Self.checkVacant(directory)
        try configuration.distral?.validate(tasks: suite.tasks, file: suiteReference)
        try self.init(directory: directory, suite: suite, suiteReference: suiteReference,
                      learner: Trainer(tasks: suite.tasks, configuration: configuration, seed: seed, threads: threads))
    }

    /// A new run of any learner in `directory` (which must not already hold a run); `notes` are extra
    /// YAML lines for `config.yaml` (a distillation's teachers).
    public init(directory: URL, suite: TaskSuite, suiteReference: String, learner: any Learner, notes: String = "") throws(ChorusError) {
        self.directory = directory
        self.suite = suite
        self.suiteReference = suiteReference
        try Self.checkVacant(directory)
        self.learner = learner
        randomReturns = Self.randomReturns(suite.tasks, seed: learner.seed)
        do {
            try FileManager.default.createDirectory(at: directory.appendingPathComponent("checkpoints"), withIntermediateDirectories: true)
        } catch {
            throw ChorusError(file: directory.path, problem: "cannot create the run directory: \(error.localizedDescription)")
        }
        try Self.writeAtomically(configurationText(learner.configuration, seed: learner.seed) + notes, to: directory.appendingPathComponent("config.yaml"))
        metricsRows = [Self.metricsHeader]
    }

    /// Throws when `directory` already holds a run.
    public static func checkVacant(_ directory: URL) throws(ChorusError) {
        if FileManager.default.fileExists(atPath: directory.appendingPathComponent("checkpoints/latest.safetensors").path) {
            throw ChorusError(file: directory.path, problem: "already holds a run; continue it with --resume \(directory.path) or choose another --out")
        }
    }

    /// Continues the run in `directory` from its latest checkpoint; `totalSteps` may extend it.
    public init(resuming directory: URL, catalogue: Catalogue, totalSteps: Int?, threads: Int) throws(ChorusError) {
        self.directory = directory
        let latest = directory.appendingPathComponent("checkpoints/latest.safetensors")
        guard FileManager.default.fileExists(atPath: latest.path) else {
            throw ChorusError(file: directory.path, problem: "no run to resume here (no checkpoints/latest.safetensors)")
        }
        let checkpoint: Checkpoint
        do { checkpoint = try Checkpoint.read(from: latest) } catch { throw ChorusError(file: latest.path, problem: error.problem) }
        let setup = try Self.setup(of: checkpoint, file: latest.path, catalogue: catalogue, suiteOverride: nil)
        var configuration = setup.configuration
        if let totalSteps { configuration.totalSteps = totalSteps }
        suite = setup.suite
        suiteReference = setup.suiteReference
        let trainer = Trainer(tasks: setup.suite.tasks, configuration: configuration, seed: setup.seed, threads: threads)
        do { try trainer.restore(from: checkpoint) } catch { throw ChorusError(file: latest.path, problem: error.problem) }
        learner = trainer
        randomReturns = Self.randomReturns(suite.tasks, seed: setup.seed)
        if let best = try? Checkpoint.read(from: bestCheckpoint), let score = best.metadata["score"].flatMap(Double.init) { bestScore = score }
        // Keep the metrics written up to the checkpoint's step.
        let text = (try? String(contentsOf: metricsFile, encoding: .utf8)) ?? Self.metricsHeader
        metricsRows = text.split(separator: "\n").map(String.init).filter { line in
            guard let step = line.split(separator: ",").first.flatMap({ Int($0) }) else { return line == Self.metricsHeader }
            return step <= trainer.environmentSteps
        }
        try Self.writeAtomically(configurationText(configuration, seed: setup.seed), to: directory.appendingPathComponent("config.yaml"))
    }

    /// What a checkpoint was trained on: its agent configuration, suite (narrowed to its tasks) and seed.
    public static func setup(of checkpoint: Checkpoint, file: String, catalogue: Catalogue, suiteOverride: String?)
        throws(ChorusError) -> (configuration: AgentConfiguration, suite: TaskSuite, suiteReference: String, seed: UInt64) {
        let m = checkpoint.metadata
        guard let agent = m[Trainer.MetadataKey.agent], let suiteReference = m[Trainer.MetadataKey.suite],
              let tasks = m[Trainer.MetadataKey.tasks], let seed = m[Trainer.MetadataKey.seed].flatMap(UInt64.init) else {
            throw ChorusError(file: file, problem: "not a training checkpoint (no agent, suite or task metadata)")
        }
        let configuration = try AgentConfiguration.parse(agent, file: file + " (agent metadata)")
        let suite = try catalogue.loadSuite(suiteOverride ?? suiteReference)
        let names = tasks.split(separator: "\n").map(String.init)
        let selected: TaskSuite
        do { selected = try suite.selecting(names) } catch {
            throw ChorusError(file: file, problem: "was trained on tasks \(names.joined(separator: ", ")), which suite '\(suiteReference)' does not all have")
        }
        return (configuration, selected, suiteReference, seed)
    }

    public enum Outcome: Sendable { case finished, interrupted }

    /// Trains until `configuration.totalSteps` env steps or until `shouldStop()` says so; `report` gets
    /// a progress line after every iteration (`isLogLine` at log intervals).
    public func train(report: (_ line: String, _ isLogLine: Bool) -> Void, shouldStop: () -> Bool) throws(ChorusError) -> Outcome {
        let trainer = learner, c = learner.configuration
        let start = Date()
        let startSteps = trainer.environmentSteps
        var intervalStart = Date(), intervalSteps = trainer.environmentSteps
        while trainer.environmentSteps < c.totalSteps {
            if shouldStop() {
                try saveLatest()
                return .interrupted
            }
            let before = trainer.environmentSteps
            do { try trainer.iterate() } catch {
                throw ChorusError(file: directory.path, problem: "training stopped: \(error.description); the last good checkpoint is \(latestCheckpoint.path)")
            }
            let elapsed = Date().timeIntervalSince(start)
            let rate = Double(trainer.environmentSteps - startSteps) / max(elapsed, 1e-9)
            let crossed = before / c.logInterval != trainer.environmentSteps / c.logInterval || trainer.environmentSteps >= c.totalSteps
            if crossed {
                let intervalRate = Double(trainer.environmentSteps - intervalSteps) / max(Date().timeIntervalSince(intervalStart), 1e-9)
                let line = logInterval(stepsPerSecond: intervalRate)
                intervalStart = Date(); intervalSteps = trainer.environmentSteps
                try saveLatest()
                report(line, true)
            } else {
                let eta = Double(c.totalSteps - trainer.environmentSteps) / max(rate, 1e-9)
                report(String(format: "step %d/%d  %.0f steps/s  ETA %.0fs", trainer.environmentSteps, c.totalSteps, rate, eta), false)
            }
        }
        return .finished
    }

    /// Evaluates the final policy and writes `evaluation.txt` and `evaluation.json`.
    public func evaluate(episodes: Int) throws(ChorusError) -> EvaluationReport {
        let evaluator = Evaluator(episodes: episodes, seed: learner.seed &+ 1, deterministic: false)
        let report = evaluator.evaluate(suite: suite.name, tasks: suite.tasks, policy: learner.policy, popArt: learner.popArt,
                                        policyTask: Array(suite.tasks.indices))
        try Self.writeAtomically(report.table + "\n", to: directory.appendingPathComponent("evaluation.txt"))
        try Self.writeAtomically(String(decoding: report.json(), as: UTF8.self) + "\n", to: directory.appendingPathComponent("evaluation.json"))
        return report
    }

    /// Writes this interval's metrics rows, saves checkpoints, resets the statistics; returns a summary line.
    private func logInterval(stepsPerSecond: Double) -> String {
        let trainer = learner
        var parts: [String] = []
        for (i, task) in suite.tasks.enumerated() {
            let s = trainer.statistics[i]
            func f(_ x: Double) -> String { x.isFinite ? String(format: "%.6g", x) : "" }
            metricsRows.append([String(trainer.environmentSteps), task.name, String(s.episodes), f(s.meanReturn), f(s.meanLength),
                                f(s.successRate), f(s.meanPolicyLoss), f(s.meanValueLoss), f(s.meanEntropy),
                                f(s.meanDistilledKullbackLeibler), f(s.meanDistilledEntropy),
                                f(trainer.popArt.mean(i)), f(trainer.popArt.sigma(i)), String(format: "%.0f", stepsPerSecond)].joined(separator: ","))
            parts.append(s.episodes > 0 ? String(format: "%@ %.1f", task.name, s.meanReturn) : "\(task.name) –")
            if lastScores.count != suite.tasks.count { lastScores = Array(repeating: 0, count: suite.tasks.count) }
            if s.episodes > 0 {
                lastScores[i] = TaskEvaluation.normalizedScore(s.meanReturn, random: randomReturns[i], solved: task.spec.solvedReturn)
            }
        }
        do {
            let score = lastScores.reduce(0, +) / Double(lastScores.count)
            if score > bestScore {
                bestScore = score
                var best = trainer.checkpoint(suite: suiteReference)
                best.metadata["score"] = String(score)
                try? best.write(to: bestCheckpoint)
            }
        }
        for i in trainer.statistics.indices { trainer.statistics[i] = TaskStatistics() }
        return String(format: "step %d  %.0f steps/s  ", trainer.environmentSteps, stepsPerSecond) + parts.joined(separator: "  ")
    }

    /// Saves the latest checkpoint and the metrics file.
    public func saveLatest() throws(ChorusError) {
        do { try learner.checkpoint(suite: suiteReference).write(to: latestCheckpoint) } catch {
            throw ChorusError(file: latestCheckpoint.path, problem: error.problem)
        }
        try Self.writeAtomically(metricsRows.joined(separator: "\n") + "\n", to: metricsFile)
    }

    private func configurationText(_ configuration: AgentConfiguration, seed: UInt64) -> String {
        "# Resolved configuration of this run.\nsuite: \(suiteReference)\ntasks: [\(suite.tasks.map(\.name).joined(separator: ", "))]\nseed: \(seed)\nagent:\n"
            + configuration.yaml.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
    }

    private static func randomReturns(_ tasks: [Task], seed: UInt64) -> [Double] {
        let evaluator = Evaluator(episodes: 10, seed: seed &+ 1, deterministic: false)
        return tasks.enumerated().map { evaluator.randomReturns(task: $1, index: $0) }
    }

    /// Writes `text` to a temporary file beside `url`, then renames it over `url`.
    public static func writeAtomically(_ text: String, to url: URL) throws(ChorusError) {
        do { try Data(text.utf8).write(to: url, options: .atomic) } catch {
            throw ChorusError(file: url.path, problem: "cannot write: \(error.localizedDescription)")
        }
    }
}
