import Communication
import Environments
import Foundation
import NeuralNetworks

/// A training run in its directory: `config.yaml`, `metrics.csv`, `checkpoints/{latest,best}.safetensors`
/// and, at the end, `evaluation.txt` and `evaluation.json`.
///
/// Checkpoints are written at every log interval, when stopped, and at the end; each holds the whole
/// training state, so `resume` continues bit for bit. Every file is written to a temporary name and renamed.
///
/// In a data-parallel run every rank holds a `TrainingRun` and calls `train` (the ranks agree on stopping,
/// combine their statistics and compare their parameters at every log interval); only rank 0 writes files.
public final class TrainingRun {
    public let run: RunDirectory
    /// The ranks of a data-parallel run (a single process: rank 0 of 1).
    public let communicator: any Communicator
    /// Whether this process writes the run's files (rank 0).
    public var writesFiles: Bool { communicator.isRoot }
    public let suite: TaskSuite
    public let suiteReference: String
    public let learner: any Learner
    /// Things the user should know about how the run was opened (printed by the command).
    public private(set) var notices: [String] = []
    /// Where each interval's metrics go besides the console: `metrics.csv` and TensorBoard event files.
    private var sinks: [any MetricsSink] = []
    private var bestScore = -Double.infinity
    private let randomReturns: [Double]
    /// Each task's latest normalised training score (0 until its first episode), for choosing the best checkpoint.
    private var lastScores: [Double] = []

    public var directory: URL { run.url }
    public var latestCheckpoint: URL { run.latestCheckpoint }
    public var bestCheckpoint: URL { run.bestCheckpoint }
    public var metricsFile: URL { directory.appendingPathComponent("metrics.csv") }

    /// A new actor-critic run in the folder `out`: every check (resource bounds, the network,
    /// the frozen prefixes, the warm-start checkpoint) is made before the folder is touched; `replacing` allows
    /// replacing an earlier run there. `warmStart` (a run directory or checkpoint) supplies every parameter
    /// whose name and shape match — encoders, torso, Distral's π₀ — while new tasks' heads start fresh.
    public convenience init(
        out: String, replacing: Bool, suite: TaskSuite, suiteReference: String, configuration: AgentConfiguration,
        seed: UInt64, threads: Int, warmStart: String? = nil, communicator: any Communicator = SingleProcessCommunicator(),
        remoteActors: (any Communicator)? = nil
    ) throws(ChorusError) {
        try configuration.checkResources(for: suite.tasks, file: suiteReference)
        try Self.checkRemoteActors(configuration, remoteActors: remoteActors)
        if communicator.size > 1, configuration.actorLearner == .pipelined, !communicator.allowsConcurrentThreads {
            throw ChorusError(
                file: configuration.name,
                problem:
                    "actor_learner: pipelined on \(communicator.size) MPI ranks needs an MPI library with MPI_THREAD_MULTIPLE (the actor and the learner both communicate), and this one does not offer it; use one process or actor_learner: synchronous"
            )
        }
        let trainer = ActorCriticLearner(
            tasks: suite.tasks, configuration: configuration, seed: seed, threads: threads, communicator: communicator,
            remoteActors: remoteActors)
        let names = trainer.policy.parameters.map(\.name)
        for prefix in configuration.frozen where !names.contains(where: { $0.hasPrefix(prefix) }) {
            throw ChorusError(file: configuration.name, problem: "frozen: '\(prefix)' names no parameter of this network")
        }
        var notes = "", summary: String?
        if let warmStart {
            let url = try RunDirectory.checkpointFile(warmStart)
            let copied: [String]
            do { copied = try trainer.warmStart(from: Checkpoint.read(from: url)) } catch {
                throw ChorusError(file: url.path, problem: error.problem)
            }
            guard !copied.isEmpty else { throw ChorusError(file: url.path, problem: "shares no parameter (same name and shape) with this network") }
            notes = "# warm start: \(copied.count) of \(names.count) parameter tensors from \(url.path)\n"
            summary = "warm start: \(copied.count) of \(names.count) parameter tensors from \(url.path); the others start fresh"
        }
        let directory = communicator.isRoot ? try RunDirectory.create(out, replacing: replacing) : RunDirectory.unopened(out)
        try self.init(run: directory, suite: suite, suiteReference: suiteReference, learner: trainer, notes: notes, communicator: communicator)
        warmStartSummary = summary
    }

    /// `actor_learner: remote` needs actors on other ranks, and actors whose observation statistics would not diverge.
    public static func checkRemoteActors(_ configuration: AgentConfiguration, remoteActors: (any Communicator)?) throws(ChorusError) {
        guard configuration.actorLearner == .remote else { return }
        guard let remoteActors, remoteActors.size > 1 else {
            throw ChorusError(
                file: configuration.name,
                problem: "actor_learner: remote runs under mpirun -np N with N ≥ 2 (rank 0 learns, the others act); use pipelined in one process")
        }
        if configuration.normalizeObservations {
            throw ChorusError(
                file: configuration.name,
                problem: "normalize_observations does not work with actor_learner: remote yet (each actor would keep its own statistics)")
        }
    }

    /// What a warm start copied, for the console.
    public private(set) var warmStartSummary: String?

    /// A new run of any learner in `run` (opened with `RunDirectory.create` after every check); `notes` are
    /// extra YAML lines for `config.yaml` (a distillation's teachers). Writes the configuration, the suite and
    /// a first checkpoint; only then is an earlier run that `run` replaces deleted. Ranks other than 0 write nothing.
    public init(
        run: RunDirectory, suite: TaskSuite, suiteReference: String, learner: any Learner, notes: String = "",
        communicator: any Communicator = SingleProcessCommunicator()
    ) throws(ChorusError) {
        self.run = run
        self.suite = suite
        self.suiteReference = suiteReference
        self.learner = learner
        self.communicator = communicator
        randomReturns = Self.randomReturns(suite.tasks, seed: learner.seed)
        guard communicator.isRoot else {
            try saveLatest()  // takes part in gathering the first checkpoint
            return
        }
        sinks = [CSVMetricsSink(file: run.url.appendingPathComponent("metrics.csv")), TensorBoardMetricsSink(directory: run.url)]
        do throws(ChorusError) {
            do {
                try FileManager.default.createDirectory(at: run.checkpointsFolder, withIntermediateDirectories: true)
            } catch {
                throw ChorusError(file: directory.path, problem: "cannot create the run directory: \(error.localizedDescription)")
            }
            try AtomicFile.write(configurationText(learner.configuration, seed: learner.seed) + notes, to: run.configurationFile)
            try SuiteDefinition(suite).write(to: directory)
            try saveLatest()
        } catch {
            run.abandonNewRun()
            throw error
        }
        run.commitReplacement()
    }

    /// Continues the run in `directory` from its latest checkpoint; `totalSteps` may extend it. The suite is
    /// the copy the run keeps (a note says when the catalogue's differs); the checkpoint must be this run's.
    public init(
        resuming path: String, catalogue: Catalogue, totalSteps: Int?, threads: Int, communicator: any Communicator = SingleProcessCommunicator()
    ) throws(ChorusError) {
        self.communicator = communicator
        if communicator.isRoot {
            run = try RunDirectory.open(path)
            run.removeStaleTemporaryFiles()
        } else {
            run = RunDirectory.unopened(path)  // every rank reads the checkpoint; only rank 0 locks and writes
        }
        let latest = run.latestCheckpoint
        guard FileManager.default.fileExists(atPath: latest.path) else {
            throw ChorusError(file: path, problem: "no run to resume here (no checkpoints/latest.safetensors)")
        }
        let checkpoint: Checkpoint
        do { checkpoint = try Checkpoint.read(from: latest) } catch { throw ChorusError(file: latest.path, problem: error.problem) }
        if checkpoint.metadata[CheckpointLayout.teachers] != nil {
            throw ChorusError(
                file: path,
                problem: "is a distillation run, which cannot be resumed (its replay is not saved); distil again with chorus distill --overwrite")
        }
        let setup = try Self.setup(of: checkpoint, file: latest.path, catalogue: catalogue, suiteOverride: nil)
        try Self.checkBelongs(checkpoint, file: latest.path, to: run)
        var configuration = setup.configuration
        if let totalSteps { configuration.totalSteps = totalSteps }
        suite = setup.suite
        suiteReference = setup.suiteReference
        try configuration.checkResources(for: suite.tasks, file: latest.path)
        if configuration.actorLearner == .remote {
            throw ChorusError(
                file: path,
                problem:
                    "a run with actor_learner: remote cannot be resumed (its actors' environments are not in its checkpoint); start a new run from its parameters with --init-from \(path)"
            )
        }
        let ranks = checkpoint.metadata[CheckpointLayout.ranks] ?? "1"
        guard ranks == String(communicator.size) else {
            let command = ranks == "1" ? "chorus train --resume \(path)" : "mpirun -np \(ranks) chorus train --resume \(path)"
            let written = ranks == "1" ? "1 process" : "\(ranks) MPI ranks"
            let current = communicator.size == 1 ? "1 process" : "\(communicator.size) MPI ranks"
            throw ChorusError(
                file: latest.path,
                problem:
                    "was written by a run on \(written) and this one has \(current); each rank's environments are saved, so resume on as many: \(command)"
            )
        }
        let trainer = ActorCriticLearner(
            tasks: setup.suite.tasks, configuration: configuration, seed: setup.seed, threads: threads, communicator: communicator)
        do {
            try trainer.restore(from: CheckpointLayout.rankView(checkpoint, rank: communicator.rank, tasks: setup.suite.tasks.count))
        } catch { throw ChorusError(file: latest.path, problem: error.problem) }
        learner = trainer
        randomReturns = Self.randomReturns(suite.tasks, seed: setup.seed)
        if let best = try? Checkpoint.read(from: bestCheckpoint), let score = best.metadata[CheckpointLayout.score].flatMap(Double.init),
            score.isFinite
        {
            bestScore = score
        }
        guard communicator.isRoot else { return }
        // Keep the metrics written up to the checkpoint's step.
        sinks = [CSVMetricsSink(resuming: metricsFile, atStep: trainer.environmentSteps), TensorBoardMetricsSink(directory: run.url)]
        if SuiteDefinition(metadata: checkpoint.metadata) == nil {
            notices.append("this run predates saved suites; it uses the catalogue's '\(suiteReference)', and from now on keeps its own copy")
        } else if let current = try? catalogue.loadSuite(suiteReference).selecting(suite.tasks.map(\.name)),
            SuiteDefinition(current) != SuiteDefinition(suite)
        {
            notices.append(
                "the catalogue's suite '\(suiteReference)' has changed since this run started; the run continues on its own copy (\(directory.appendingPathComponent("suite.yaml").path))"
            )
        }
        try AtomicFile.write(configurationText(configuration, seed: setup.seed), to: run.configurationFile)
        try SuiteDefinition(suite).write(to: directory)
    }

    /// Throws unless `checkpoint` was written by the run whose `config.yaml` is in `run` (same suite, tasks,
    /// seed and agent, whatever the step budget), so a checkpoint copied in from another run is refused.
    static func checkBelongs(_ checkpoint: Checkpoint, file: String, to run: RunDirectory) throws(ChorusError) {
        let node = try ConfigurationNode.load(contentsOf: run.configurationFile)
        let fields = try node.mapping(allowedKeys: ["suite", "tasks", "seed", "agent", "teachers"])
        let metadata = checkpoint.metadata
        func mismatch(_ what: String) -> ChorusError {
            ChorusError(
                file: file,
                problem:
                    "was not written by this run: its \(what) differs from \(run.configurationFile.path); copy back the run's own checkpoint or start a new run"
            )
        }
        if let suite = try fields["suite"]?.string(), suite != metadata[CheckpointLayout.suite] { throw mismatch("suite") }
        if let seed = fields["seed"] {
            guard String(try seed.int(in: 0...Int.max)) == metadata[CheckpointLayout.seed] ?? "" else { throw mismatch("seed") }
        }
        if let tasks = fields["tasks"] {
            var names: [String] = []
            for item in try tasks.sequence() { names.append(try item.string()) }
            guard names.joined(separator: "\n") == metadata[CheckpointLayout.tasks] else { throw mismatch("task list") }
        }
        if let agent = fields["agent"], let saved = metadata[CheckpointLayout.agent] {
            var expected = try AgentConfiguration(agent), actual = try AgentConfiguration.parse(saved, file: file + " (agent metadata)")
            expected.totalSteps = 0; actual.totalSteps = 0
            guard expected == actual else { throw mismatch("agent configuration") }
        }
    }

    /// What a checkpoint was trained on: its agent configuration, suite (narrowed to its tasks) and seed.
    /// The suite is the copy saved in the checkpoint, or for older checkpoints the catalogue's; `suiteOverride`
    /// names another suite from the catalogue.
    public static func setup(of checkpoint: Checkpoint, file: String, catalogue: Catalogue, suiteOverride: String?)
        throws(ChorusError) -> (configuration: AgentConfiguration, suite: TaskSuite, suiteReference: String, seed: UInt64)
    {
        let m = checkpoint.metadata
        guard let agent = m[CheckpointLayout.agent], let suiteReference = m[CheckpointLayout.suite],
            let tasks = m[CheckpointLayout.tasks], let seed = m[CheckpointLayout.seed].flatMap(UInt64.init)
        else {
            throw ChorusError(file: file, problem: "not a training checkpoint (no agent, suite or task metadata)")
        }
        let configuration = try AgentConfiguration.parse(agent, file: file + " (agent metadata)")
        let suite: TaskSuite
        if suiteOverride == nil, let definition = SuiteDefinition(metadata: m) {
            suite = try definition.load(file: file + " (saved suite)")
        } else {
            suite = try catalogue.loadSuite(suiteOverride ?? suiteReference)
        }
        let names = tasks.split(separator: "\n").map(String.init)
        let selected: TaskSuite
        do { selected = try suite.selecting(names) } catch {
            throw ChorusError(
                file: file, problem: "was trained on tasks \(names.joined(separator: ", ")), which suite '\(suiteReference)' does not all have")
        }
        try configuration.checkResources(for: selected.tasks, file: file)
        return (configuration, selected, suiteReference, seed)
    }

    public enum Outcome: Sendable { case finished, interrupted }

    /// Trains until `configuration.totalSteps` env steps or until `shouldStop()` says so; `report` gets
    /// a progress line after every iteration (`isLogLine` at log intervals, and for warnings).
    public func train(report: @escaping (_ line: String, _ isLogLine: Bool) -> Void, shouldStop: () -> Bool) throws(ChorusError) -> Outcome {
        let trainer = learner, c = learner.configuration
        let writes = writesFiles
        let report: (String, Bool) -> Void = { line, isLogLine in if writes { report(line, isLogLine) } }
        let console = ConsoleMetricsSink { report($0, true) }
        let start = Date()
        let startSteps = trainer.environmentSteps
        var intervalStart = Date(), intervalSteps = trainer.environmentSteps
        while trainer.environmentSteps < c.totalSteps {
            if communicator.anyRank(shouldStop()) {
                try saveLatest()
                return .interrupted
            }
            let before = trainer.environmentSteps
            do { try trainer.iterate() } catch {
                throw ChorusError(
                    file: directory.path, problem: "training stopped: \(error.description); the last good checkpoint is \(latestCheckpoint.path)")
            }
            let elapsed = Date().timeIntervalSince(start)
            let rate = Double(trainer.environmentSteps - startSteps) / max(elapsed, 1e-9)
            let crossed = before / c.logInterval != trainer.environmentSteps / c.logInterval || trainer.environmentSteps >= c.totalSteps
            if crossed {
                if communicator.size > 1 {
                    trainer.statistics = TaskStatistics.combined(trainer.statistics, over: communicator)
                    do {
                        try ReplicaCheck.verify(
                            trainer.policy.parameters, popArt: trainer.popArt, communicator: communicator, step: trainer.environmentSteps)
                    } catch {
                        throw ChorusError(file: directory.path, problem: "training stopped: \(error.description)")
                    }
                }
                let intervalRate = Double(trainer.environmentSteps - intervalSteps) / max(Date().timeIntervalSince(intervalStart), 1e-9)
                let warnings = logInterval(stepsPerSecond: intervalRate, console: console)
                intervalStart = Date(); intervalSteps = trainer.environmentSteps
                try saveLatest(console: console)
                for warning in warnings + saveBestIfImproved() { report("warning: " + warning, true) }
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
        let report = evaluator.evaluate(
            suite: suite.name, tasks: suite.tasks, policy: learner.policy, popArt: learner.popArt,
            policyTask: Array(suite.tasks.indices))
        try AtomicFile.write(report.table + "\n", to: directory.appendingPathComponent("evaluation.txt"))
        try AtomicFile.write(String(decoding: report.json(), as: UTF8.self) + "\n", to: directory.appendingPathComponent("evaluation.json"))
        return report
    }

    /// Tasks already warned about PopArt's σ sitting at its ceiling.
    private var warnedSigmaCeiling: Set<Int> = []
    /// The mean normalised training score of the interval just logged (for the best checkpoint).
    private var intervalScore = -Double.infinity

    /// Hands this interval's metrics to the sinks and resets the statistics; returns warnings.
    private func logInterval(stepsPerSecond: Double, console: ConsoleMetricsSink) -> [String] {
        var metrics = IntervalMetrics(step: learner.environmentSteps, tasks: suite.tasks.map(\.name))
        metrics.add("charts/SPS", stepsPerSecond)
        learner.addMetrics(to: &metrics)
        for sink in sinks + [console] { sink.record(metrics) }
        var warnings: [String] = []
        if lastScores.count != suite.tasks.count { lastScores = Array(repeating: 0, count: suite.tasks.count) }
        for (i, task) in suite.tasks.enumerated() {
            let statistics = learner.statistics[i]
            if statistics.episodes > 0 {
                lastScores[i] = TaskEvaluation.normalizedScore(statistics.meanReturn, random: randomReturns[i], solved: task.spec.solvedReturn)
            }
            let popArt = learner.popArt
            if popArt.enabled, popArt.sigma(i) >= popArt.sigmaMax, warnedSigmaCeiling.insert(i).inserted {
                warnings.append(
                    "task '\(task.name)': PopArt's σ sits at its ceiling sigma_max = \(popArt.sigmaMax), so its values are no longer normalised; is reward_scale (\(task.spec.rewardScale)) too large?"
                )
            }
        }
        intervalScore = lastScores.reduce(0, +) / Double(lastScores.count)
        for i in learner.statistics.indices { learner.statistics[i] = TaskStatistics() }
        return warnings
    }

    /// Writes the best checkpoint when the last interval's score beats the best so far; returns a warning if it could not.
    private func saveBestIfImproved() -> [String] {
        guard writesFiles, intervalScore > bestScore else { return [] }
        var best = checkpoint()
        best.metadata[CheckpointLayout.score] = String(intervalScore)
        do { try best.write(to: bestCheckpoint) } catch {
            return ["could not write the best checkpoint (\(error.problem)); the latest checkpoint is intact"]
        }
        bestScore = intervalScore
        return []
    }

    /// The learner's checkpoint with the run's suite saved in it.
    private func checkpoint() -> Checkpoint {
        var checkpoint = learner.checkpoint(suite: suiteReference)
        checkpoint.metadata.merge(SuiteDefinition(suite).metadata) { $1 }
        return checkpoint
    }

    /// Saves the latest checkpoint between the sinks' `willCheckpoint` (`metrics.csv`: a kill in between never
    /// loses a row, as a resumed run drops rows past its checkpoint's step) and `didCheckpoint` (TensorBoard
    /// and the console line: a step is logged only once it is safe).
    /// A data-parallel run gathers every rank's own environments and statistics into it (every rank calls this).
    public func saveLatest(console: ConsoleMetricsSink? = nil) throws(ChorusError) {
        var latest = writesFiles ? checkpoint() : Checkpoint(parameters: [])
        (learner as? ActorCriticLearner)?.gatherRankStates(into: &latest)
        guard writesFiles else { return }
        let sinks = self.sinks + (console.map { [$0] } ?? [])
        for sink in sinks { try sink.willCheckpoint() }
        do { try latest.write(to: latestCheckpoint) } catch {
            throw ChorusError(file: latestCheckpoint.path, problem: error.problem)
        }
        for sink in sinks { try sink.didCheckpoint() }
    }

    private func configurationText(_ configuration: AgentConfiguration, seed: UInt64) -> String {
        RunDirectory.header
            + "\nsuite: \(ConfigurationNode.quoted(suiteReference))\ntasks: [\(suite.tasks.map(\.name).joined(separator: ", "))]\nseed: \(seed)\nagent:\n"
            + configuration.yaml.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
    }

    private static func randomReturns(_ tasks: [Task], seed: UInt64) -> [Double] {
        let evaluator = Evaluator(episodes: 10, seed: seed &+ 1, deterministic: false)
        return tasks.enumerated().map { evaluator.randomReturns(task: $1, index: $0) }
    }
}
