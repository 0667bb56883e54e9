import Agents
import ArgumentParser
import Environments
import Foundation

/// `chorus train`: trains one network on a suite and evaluates it.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train an agent on a task suite.",
        discussion: "The run directory gets config.yaml, metrics.csv, checkpoints/{latest,best}.safetensors and the final evaluation. Ctrl-C saves and stops; --resume continues exactly."
    )

    @Option(help: "Suite: a catalogue name (chorus list suites) or a YAML path.")
    var suite: String?
    @Option(help: "Agent preset: a catalogue name (chorus list agents) or a YAML path.")
    var agent: String = "popart-ppo"
    @Option(help: "Only these tasks of the suite, comma-separated.")
    var task: String?
    @Option(help: "Total environment steps (over all tasks); default from the preset.")
    var steps: Int?
    @Option(help: "Random seed of the run.")
    var seed: UInt64 = 1
    @Option(help: "Run directory (default runs/<suite>-<agent>-s<seed>).")
    var out: String?
    @Option(help: "Threads stepping environments (results do not depend on it).")
    var threads: Int = 1
    @Option(help: "Continue the run in this directory from its latest checkpoint.")
    var resume: String?
    @Option(help: "Evaluation episodes per task at the end (default from the preset).")
    var evalEpisodes: Int?
    @Flag(help: "Replace an earlier run in the --out directory.")
    var overwrite = false

    func validate() throws {
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1") }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
        if resume == nil && suite == nil { throw ValidationError("--suite is required (or --resume DIR)") }
        if resume != nil && (suite != nil || task != nil || out != nil) { throw ValidationError("--resume takes the suite, tasks and directory from the run; drop --suite/--task/--out") }
    }

    func run() throws {
        let catalogue = try Catalogue.locate()
        let run: TrainingRun
        if let resume {
            run = try TrainingRun(resuming: URL(fileURLWithPath: resume), catalogue: catalogue, totalSteps: steps, threads: threads)
            print("resuming \(resume) at step \(run.learner.environmentSteps)")
        } else {
            var loaded = try catalogue.loadSuite(suite!)
            if let task { loaded = try loaded.selecting(task.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }) }
            var configuration = try AgentConfiguration.load(agent, catalogue: catalogue)
            if let steps { configuration.totalSteps = steps }
            let directory = URL(fileURLWithPath: out ?? "runs/\(loaded.name)-\(configuration.name)-s\(seed)")
            if overwrite { try Self.removeRun(at: directory) }
            run = try TrainingRun(directory: directory, suite: loaded, suiteReference: suite!, configuration: configuration, seed: seed, threads: threads)
            print("training \(configuration.name) on \(loaded.name) (\(loaded.tasks.map(\.name).joined(separator: ", "))) for \(configuration.totalSteps) steps → \(directory.path)")
        }
        Interruption.install()
        var printer = ProgressPrinter()
        let outcome = try run.train(report: { printer.show($0, isLogLine: $1) }, shouldStop: { Interruption.requested })
        if printer.isTerminal { print("") }
        switch outcome {
        case .interrupted:
            print("stopped at step \(run.learner.environmentSteps); checkpoint saved. Continue with: chorus train --resume \(run.directory.path)")
        case .finished:
            try run.saveLatest()
            let report = try run.evaluate(episodes: evalEpisodes ?? run.learner.configuration.evaluationEpisodes)
            print(report.table)
        }
    }

    /// Deletes an earlier run directory, refusing folders that do not look like one.
    static func removeRun(at directory: URL) throws {
        let fm = FileManager.default
        guard fm.fileExists(atPath: directory.path) else { return }
        let contents = (try? fm.contentsOfDirectory(atPath: directory.path)) ?? []
        guard contents.isEmpty || contents.contains("config.yaml") || contents.contains("checkpoints") else {
            throw ChorusError(file: directory.path, problem: "--overwrite refuses to delete a folder that is not a Chorus run")
        }
        try fm.removeItem(at: directory)
    }
}
