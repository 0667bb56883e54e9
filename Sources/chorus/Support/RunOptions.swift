import Agents
import ArgumentParser
import Environments
import Foundation

/// The options `chorus train` and `chorus distill` share: which tasks, how long, which seed, where.
struct RunOptions: ParsableArguments {
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
    @Option(help: "Evaluation episodes per task at the end (default from the preset).")
    var evalEpisodes: Int?
    @Flag(
        help:
            "Replace an earlier Chorus run in the --out directory (only files Chorus wrote are deleted, and only once the new run has its first checkpoint)."
    )
    var overwrite = false

    /// The most total steps a run may ask for (as the presets' `total_steps`).
    static let maximumSteps = 10_000_000_000
    /// The most evaluation episodes per task.
    static let maximumEpisodes = 100_000

    func validate() throws {
        if let steps, !(1...Self.maximumSteps).contains(steps) { throw ValidationError("--steps must be in 1...\(Self.maximumSteps)") }
        if !(1...256).contains(threads) { throw ValidationError("--threads must be in 1...256") }
        if let evalEpisodes, !(1...Self.maximumEpisodes).contains(evalEpisodes) {
            throw ValidationError("--eval-episodes must be in 1...\(Self.maximumEpisodes)")
        }
        if let out { _ = try RunDirectory.checkLocation(out) }
    }

    /// `suite` narrowed to `--task`'s tasks.
    func selectTasks(of suite: TaskSuite) throws(ChorusError) -> TaskSuite {
        guard let task else { return suite }
        return try suite.selecting(Self.taskNames(task))
    }

    /// The names in a `--task` value (`A,B`); an empty entry is kept so that it is refused by name.
    static func taskNames(_ value: String) -> [String] {
        value.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: .whitespaces) }
    }

    /// The `--out` folder, or the default name.
    func outPath(suite: TaskSuite, agent: String) -> String {
        out ?? "runs/\(suite.name)-\(agent)-s\(seed)"
    }
}
