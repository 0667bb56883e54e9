import Agents
import ArgumentParser
import Environments
import Foundation

/// `chorus train`: trains one network on a suite and evaluates it.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train an agent on a task suite.",
        discussion:
            "The run directory gets config.yaml, metrics.csv, checkpoints/{latest,best}.safetensors and the final evaluation. Ctrl-C saves and stops; --resume continues exactly."
    )

    @Option(help: "Suite: a catalogue name (chorus list suites) or a YAML path.")
    var suite: String?
    @Option(help: "Agent preset: a catalogue name (chorus list agents) or a YAML path.")
    var agent: String = "popart-ppo"
    @OptionGroup var options: RunOptions
    @Option(help: "Continue the run in this directory from its latest checkpoint.")
    var resume: String?

    func validate() throws {
        if resume == nil && suite == nil { throw ValidationError("--suite is required (or --resume DIR)") }
        if resume != nil && (suite != nil || options.task != nil || options.out != nil) {
            throw ValidationError("--resume takes the suite, tasks and directory from the run; drop --suite/--task/--out")
        }
    }

    func run() throws {
        let catalogue = try Catalogue.locate()
        let run: TrainingRun
        if let resume {
            run = try TrainingRun(resuming: resume, catalogue: catalogue, totalSteps: options.steps, threads: options.threads)
            for notice in run.notices { print("note: " + notice) }
            print("resuming \(resume) at step \(run.learner.environmentSteps)")
        } else {
            let loaded = try options.selectTasks(of: catalogue.loadSuite(suite!))
            var configuration = try AgentConfiguration.load(agent, catalogue: catalogue)
            if let steps = options.steps { configuration.totalSteps = steps }
            run = try TrainingRun(
                out: options.outPath(suite: loaded, agent: configuration.name), replacing: options.overwrite,
                suite: loaded, suiteReference: suite!, configuration: configuration, seed: options.seed, threads: options.threads)
            print(
                "training \(configuration.name) on \(loaded.name) (\(loaded.tasks.map(\.name).joined(separator: ", "))) for \(configuration.totalSteps) steps → \(run.directory.path)"
            )
        }
        Interruption.install()
        var printer = ProgressPrinter()
        let outcome = try run.train(report: { printer.show($0, isLogLine: $1) }, shouldStop: { Interruption.requested })
        if printer.isTerminal { print("") }
        switch outcome {
        case .interrupted:
            print("stopped at step \(run.learner.environmentSteps); checkpoint saved. Continue with: chorus train --resume \(run.directory.path)")
            throw Interruption.exit
        case .finished:
            try run.saveLatest()
            let report = try run.evaluate(episodes: options.evalEpisodes ?? run.learner.configuration.evaluationEpisodes)
            print(report.table)
        }
    }
}
