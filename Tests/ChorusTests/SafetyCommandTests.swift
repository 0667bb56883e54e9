import Foundation
import NeuralNetworks
import TestSupport
import Testing

/// End-to-end, as a careless or hostile user: `--overwrite` never deletes what Chorus did not write, bad
/// flags and files are one-line errors, a run is locked, self-contained and honest about how it stopped.
@Suite struct SafetyCommandTests {
    let dir: URL
    let agent: String

    init() {
        dir = Fixtures.temporaryDirectory("safety")
        agent = Fixtures.write(TrainingCommandTests.quickAgent, to: "quick.yaml", in: dir).path
    }

    func train(_ out: String, _ extra: [String] = [], suite: String = "cartpole", in directory: URL? = nil) throws -> (
        status: Int32, output: String, error: String
    ) {
        try ChorusBinary.run(["train", "--suite", suite, "--agent", agent, "--steps", "512", "--out", out] + extra, in: directory ?? dir)
    }

    func bytes(_ url: URL) -> Data? { try? Data(contentsOf: url) }

    /// The alias bomb of the reliability report: seven levels of nine aliases, used as a mapping key.
    static let aliasBomb: String = {
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
        for level in 1...7 { lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ") + "]") }
        return lines.joined(separator: "\n") + "\n? *a7\n: 1\n"
    }()

    /// One line on standard error, starting `error:`, and no trace of a crash.
    func isCleanError(_ result: (status: Int32, output: String, error: String)) -> Bool {
        let lines = result.error.split(separator: "\n")
        return result.status != 0 && result.status < 128 && lines.count <= 3 && !result.error.contains("Stack dump")
            && !result.error.contains("Fatal error") && (result.error.hasPrefix("error:") || result.error.hasPrefix("Error:"))
    }

    @Test func overwriteRefusesWhatIsNotARun() throws {
        let notes = Fixtures.write("precious", to: "notes.txt", in: dir)
        let project = dir.appendingPathComponent("project")
        Fixtures.write("\\documentclass{article}", to: "thesis.tex", in: project)
        Fixtures.write("mine", to: "config.yaml", in: project)
        let home = Fixtures.temporaryDirectory("home")
        Fixtures.write("dotfile", to: ".bashrc", in: home)
        let cases: [(String, String)] = [
            (notes.path, "is a file"), ("", "empty path"), (".", "working directory"), ("..", "working directory"),
            (project.path, "not a Chorus run"), (home.path, "home folder"),
        ]
        for (out, words) in cases {
            let result = try ChorusBinary.run(
                ["train", "--suite", "cartpole", "--agent", agent, "--steps", "256", "--out", out, "--overwrite"],
                in: dir, environment: ["HOME": home.path])
            #expect(isCleanError(result) && result.error.contains(words), "--out '\(out)': \(result.error)")
        }
        #expect(bytes(notes) == Data("precious".utf8))
        #expect(bytes(project.appendingPathComponent("thesis.tex")) == Data("\\documentclass{article}".utf8))
        #expect(bytes(home.appendingPathComponent(".bashrc")) == Data("dotfile".utf8))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("config.yaml").path), "nothing written into the working directory")
    }

    @Test func overwriteValidatesEverythingBeforeTouchingTheOldRun() throws {
        let run = dir.appendingPathComponent("run")
        #expect(try train(run.path).status == 0)
        let latest = run.appendingPathComponent("checkpoints/latest.safetensors")
        let before = bytes(latest)
        // A preset that parses but fails the run's own checks (here its resource bounds) leaves the old run alone.
        Fixtures.write("algorithm: a2c\nenvs_per_task: 4096\nrollout_steps: 100000\n", to: "huge.yaml", in: dir)
        let huge = try ChorusBinary.run(["train", "--agent", "huge.yaml", "--suite", "cartpole", "--out", run.path, "--overwrite"], in: dir)
        #expect(isCleanError(huge) && huge.error.contains("rollout_steps"), "\(huge.error)")
        let task = try train(run.path, ["--overwrite", "--task", "Nope"])
        #expect(isCleanError(task))
        #expect(bytes(latest) == before, "the old run is untouched")

        Fixtures.write("my notes", to: "notes.txt", in: run)
        let replaced = try train(run.path, ["--overwrite", "--seed", "2"])
        #expect(replaced.status == 0, "\(replaced.error)")
        #expect(bytes(latest) != before, "replaced by the new run")
        #expect(bytes(run.appendingPathComponent("notes.txt")) == Data("my notes".utf8), "a user's file survives --overwrite")
        #expect(!FileManager.default.fileExists(atPath: run.appendingPathComponent(".chorus-replaced").path))
    }

    @Test func userReachableCrashesAreOneLineErrors() throws {
        Fixtures.write(Self.aliasBomb, to: "bomb.yaml", in: dir)
        let big = String(repeating: String(repeating: ".", count: 300) + "\n", count: 300)
        Fixtures.write("A" + big.dropFirst(), to: "big.txt", in: dir)
        Fixtures.write("tasks:\n  - {name: big, env: Gridworld, map: big.txt, solved_return: 1}\n", to: "big.yaml", in: dir)
        Fixtures.write("tasks:\n  - {name: \"a,b\", env: CartPole-v1, solved_return: 1}\n", to: "comma.yaml", in: dir)
        Fixtures.write("algorithm: a2c\nenvs_per_task: 4096\nrollout_steps: 100000\n", to: "huge.yaml", in: dir)
        Fixtures.write("network: {encoder: [4096, 4096, 4096, 4096], torso: [4096, 4096, 4096, 4096]}\n", to: "wide.yaml", in: dir)
        let out = dir.appendingPathComponent("never").path
        let cases: [([String], String)] = [
            (["train", "--suite", "classic-control", "--task", "", "--out", out], "--task"),
            (["train", "--suite", "classic-control", "--task", ",,,", "--out", out], "--task"),
            (["train", "--suite", "classic-control", "--task", "CartPole-v1,CartPole-v1", "--out", out], "twice"),
            (["train", "--suite", "cartpole", "--eval-episodes", "0", "--out", out], "--eval-episodes"),
            (["train", "--suite", "cartpole", "--steps", "0", "--out", out], "--steps"),
            (["watch", "--policy", "random", "--suite", "gridworld-goals", "--ascii", "--fps", "0.000001"], "--fps"),
            (["eval", "agents/pretrained/classic-control", "--episodes", "0"], "--episodes"),
            (["train", "--suite", "cartpole", "--agent", "bomb.yaml", "--out", out], "aliases"),
            (["train", "--suite", "big.yaml", "--out", out], "at most"),
            (["train", "--suite", "comma.yaml", "--out", out], "task name"),
            (["train", "--suite", "cartpole", "--agent", "huge.yaml", "--out", out], "rollout_steps"),
            (["train", "--suite", "cartpole", "--agent", "wide.yaml", "--out", out], "parameters"),
        ]
        for (arguments, words) in cases {
            let start = Date()
            let result = try ChorusBinary.run(arguments, in: arguments.contains("eval") ? Fixtures.repositoryRoot : dir)
            #expect(isCleanError(result) && result.error.contains(words), "\(arguments): \(result.status) \(result.error)")
            #expect(Date().timeIntervalSince(start) < 20, "\(arguments) answered at once")
        }
        #expect(!FileManager.default.fileExists(atPath: out), "nothing written")
    }

    @Test func ctrlCAndSigtermSaveAndExitWith130And143() throws {
        for (signal, status) in [(SIGINT, Int32(130)), (SIGTERM, Int32(143))] {
            let run = dir.appendingPathComponent("signal-\(signal)")
            let process = try ChorusBinary.start(
                ["train", "--suite", "cartpole", "--agent", agent, "--steps", "100000000", "--out", run.path], in: dir)
            #expect(ChorusBinary.waitFor(run.appendingPathComponent("checkpoints/latest.safetensors")))
            usleep(300_000)
            kill(process.processIdentifier, signal)
            #expect(ChorusBinary.waitForExit(process), "signal \(signal) stops the run")
            #expect(process.terminationReason == .exit && process.terminationStatus == status, "signal \(signal)")
            let resumed = try ChorusBinary.run(["train", "--resume", run.path, "--steps", "1024"], in: dir)
            #expect(resumed.status == 0, "the saved run resumes: \(resumed.error)")
        }
    }

    @Test func aRunIsLockedWhileTraining() throws {
        let run = dir.appendingPathComponent("locked")
        let process = try ChorusBinary.start(["train", "--suite", "cartpole", "--agent", agent, "--steps", "100000000", "--out", run.path], in: dir)
        defer { process.terminate(); _ = ChorusBinary.waitForExit(process) }
        #expect(ChorusBinary.waitFor(run.appendingPathComponent("checkpoints/latest.safetensors")))
        let second = try ChorusBinary.run(["train", "--resume", run.path], in: dir)
        #expect(
            isCleanError(second) && second.error.contains("in use by another chorus process (pid \(process.processIdentifier))"), "\(second.error)")
        let overwrite = try train(run.path, ["--overwrite"])
        #expect(isCleanError(overwrite) && overwrite.error.contains("in use"), "\(overwrite.error)")
    }

    @Test func aRunKeepsItsSuiteAndRefusesForeignCheckpoints() throws {
        Fixtures.write("#####\n#A.G#\n#####\n", to: "corridor.txt", in: dir)
        let suiteFile = Fixtures.write(
            "tasks:\n  - {name: corridor, env: Gridworld, map: corridor.txt, solved_return: 0.9}\n  - {name: cart, env: CartPole-v1, solved_return: 475}\n",
            to: "mine.yaml", in: dir)
        let run = dir.appendingPathComponent("kept")
        #expect(try train(run.path, suite: suiteFile.path).status == 0)
        #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent("suite.yaml").path))
        #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent("maps/corridor.txt").path))

        // Deleted: the run still resumes and evaluates.
        try FileManager.default.removeItem(at: suiteFile)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("corridor.txt"))
        let resumed = try ChorusBinary.run(["train", "--resume", run.path, "--steps", "768"], in: dir)
        #expect(resumed.status == 0 && !resumed.output.contains("changed"), "\(resumed.error)")
        let eval = try ChorusBinary.run(["eval", run.path, "--episodes", "2"], in: dir)
        #expect(eval.status == 0 && eval.output.contains("corridor"), "\(eval.error)")

        // Edited: the run continues on its own copy and says so.
        Fixtures.write("#####\n#A.G#\n#####\n", to: "corridor.txt", in: dir)
        Fixtures.write(
            "tasks:\n  - {name: corridor, env: Gridworld, map: corridor.txt, solved_return: 0.5}\n  - {name: cart, env: CartPole-v1, solved_return: 475}\n",
            to: "mine.yaml", in: dir)
        let edited = try ChorusBinary.run(["train", "--resume", run.path, "--steps", "1024"], in: dir)
        #expect(edited.status == 0 && edited.output.contains("has changed since this run started"), "\(edited.output) \(edited.error)")
        let config = try String(contentsOf: run.appendingPathComponent("suite.yaml"), encoding: .utf8)
        #expect(config.contains("solved_return: 0.9"))

        // A checkpoint copied in from another run (another seed) is refused, naming the difference.
        let other = dir.appendingPathComponent("other")
        Fixtures.write(
            "tasks:\n  - {name: corridor, env: Gridworld, map: corridor.txt, solved_return: 0.9}\n  - {name: cart, env: CartPole-v1, solved_return: 475}\n",
            to: "mine.yaml", in: dir)
        #expect(try train(other.path, ["--seed", "2"], suite: dir.appendingPathComponent("mine.yaml").path).status == 0)
        let latest = run.appendingPathComponent("checkpoints/latest.safetensors")
        try FileManager.default.removeItem(at: latest)
        try FileManager.default.copyItem(at: other.appendingPathComponent("checkpoints/latest.safetensors"), to: latest)
        let foreign = try ChorusBinary.run(["train", "--resume", run.path, "--steps", "2048"], in: dir)
        #expect(isCleanError(foreign) && foreign.error.contains("was not written by this run") && foreign.error.contains("seed"), "\(foreign.error)")
    }

    @Test func popArtAtItsCeilingIsReportedAndStaleTemporaryFilesAreCleaned() throws {
        let suite = Fixtures.write("tasks:\n  - {name: huge, env: CartPole-v1, reward_scale: 1.0e30, solved_return: 475}\n", to: "huge.yaml", in: dir)
        let run = dir.appendingPathComponent("ceiling")
        let result = try train(run.path, suite: suite.path)
        #expect(
            result.status == 0 && result.output.contains("PopArt's σ sits at its ceiling") && result.output.contains("reward_scale"),
            "\(result.output)")
        let stale = Fixtures.write("half", to: "checkpoints/.latest.safetensors.99999.tmp", in: run)
        let resumed = try ChorusBinary.run(["train", "--resume", run.path, "--steps", "768"], in: dir)
        #expect(resumed.status == 0, "\(resumed.error)")
        #expect(!FileManager.default.fileExists(atPath: stale.path), "a killed process's temporary file is removed")
    }

    /// Remote actors need other ranks: one process is refused before anything is written (so is normalisation).
    @Test func remoteActorsWithoutMPIRanksAreRefused() throws {
        let remote = Fixtures.write(TrainingCommandTests.quickAgent + "\nactor_learner: remote\nestimator: vtrace\n", to: "remote.yaml", in: dir)
        let out = dir.appendingPathComponent("remote")
        let result = try ChorusBinary.run(["train", "--suite", "cartpole", "--agent", remote.path, "--steps", "512", "--out", out.path], in: dir)
        #expect(isCleanError(result) && result.error.contains("mpirun -np N") && result.error.hasPrefix("error: remote:"), "\(result.error)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func aRefusedOrInvalidRunWritesNothing() throws {
        let folder = dir.appendingPathComponent("mine")
        Fixtures.write("data", to: "data.csv", in: folder)
        let refused = try train(folder.path, ["--overwrite"])
        #expect(isCleanError(refused))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["data.csv"], "not even a lock file")
        let fresh = dir.appendingPathComponent("fresh")
        let invalid = try train(fresh.appendingPathComponent("sub").path, ["--task", "Nope"])
        #expect(isCleanError(invalid) && !FileManager.default.fileExists(atPath: fresh.path), "a failed validation creates nothing")
    }

    @Test func outputsNeverOverwriteTheirInputs() throws {
        let run = dir.appendingPathComponent("inputs")
        #expect(try train(run.path).status == 0)
        let metrics = run.appendingPathComponent("metrics.csv"), latest = run.appendingPathComponent("checkpoints/latest.safetensors")
        let (metricsBefore, latestBefore) = (bytes(metrics), bytes(latest))
        let plot = try ChorusBinary.run(["plot", run.path, "-o", metrics.path], in: dir)
        #expect(isCleanError(plot) && plot.error.contains("will not overwrite"), "\(plot.error)")
        let eval = try ChorusBinary.run(["eval", run.path, "--json", latest.path], in: dir)
        #expect(isCleanError(eval) && eval.error.contains("will not overwrite"), "\(eval.error)")
        #expect(bytes(metrics) == metricsBefore && bytes(latest) == latestBefore)

        // A row cut short is skipped and reported, not plotted.
        var text = try String(contentsOf: metrics, encoding: .utf8)
        text += "999999,CartPole-v1,3,12"
        try text.write(to: metrics, atomically: true, encoding: .utf8)
        let svg = dir.appendingPathComponent("curves.svg").path
        let cut = try ChorusBinary.run(["plot", run.path, "-o", svg], in: dir)
        #expect(cut.status == 0 && cut.output.contains("skipped 1 incomplete"), "\(cut.output)")  // CSVTests: not plotted
    }
}
