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
    @Flag(help: "Replace an earlier run in the --out directory.")
    var overwrite = false

    func validate() throws {
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1") }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    /// `suite` narrowed to `--task`'s tasks.
    func selectTasks(of suite: TaskSuite) throws(ChorusError) -> TaskSuite {
        guard let task else { return suite }
        return try suite.selecting(task.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) })
    }

    /// The run directory (`--out` or the default name); an earlier run there is removed with `--overwrite`.
    func runDirectory(suite: TaskSuite, agent: String) throws -> URL {
        let directory = URL(fileURLWithPath: out ?? "runs/\(suite.name)-\(agent)-s\(seed)")
        if overwrite { try Self.removeRun(at: directory) }
        return directory
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
