import Agents
import ArgumentParser
import Environments
import Foundation
import NeuralNetworks

extension PolicyChoice: ExpressibleByArgument {}

/// `chorus eval`: headless evaluation of a run or checkpoint on a suite.
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a trained agent headlessly: a table per task and a suite summary.",
        discussion: "Normalised score = (R − R_random)/(R_solved − R_random); R_random is a uniform random policy on the same episodes and seed."
    )

    @Argument(help: "A run directory (its latest checkpoint) or a checkpoint file.")
    var source: String
    @Option(help: "Suite to evaluate on (default: the one the run trained on).")
    var suite: String?
    @Option(help: "Episodes per task.")
    var episodes: Int = 20
    @Option(help: "Random seed of the evaluation episodes.")
    var seed: UInt64 = 12345
    @Option(help: "Also write the report as JSON to this file.")
    var json: String?
    @Option(help: "Which policy acts: trained (the task policies), distilled (Distral's shared π₀) or random.")
    var policy: PolicyChoice = .trained
    @Flag(help: "Take the most likely action (the mean for Gaussian policies) instead of sampling.")
    var deterministic = false

    func validate() throws {
        if !(1...RunOptions.maximumEpisodes).contains(episodes) { throw ValidationError("--episodes must be in 1...\(RunOptions.maximumEpisodes)") }
    }

    func run() throws {
        let jsonFile = try json.map { path throws(ChorusError) in try RunDirectory.checkOutput(path, flag: "--json") }
        let catalogue = try Catalogue.locate()
        let loaded = try LoadedPolicy(source, catalogue: catalogue)
        let target = try suite.map { try catalogue.loadSuite($0) } ?? loaded.suite
        let mapping = try loaded.policyTasks(for: target)
        try loaded.check(policy)
        let evaluator = Evaluator(episodes: episodes, seed: seed, deterministic: deterministic, choice: policy)
        let report = evaluator.evaluate(suite: target.name, tasks: target.tasks, policy: loaded.policy, popArt: loaded.popArt, policyTask: mapping)
        print(report.table)
        if let jsonFile {
            try AtomicFile.write(String(decoding: report.json(), as: UTF8.self) + "\n", to: jsonFile)
        }
    }
}
