import Agents
import Foundation
import NeuralNetworks
import TestSupport
import Testing

/// End-to-end: `chorus train`, `eval`, `plot` and `--resume` as a user runs them.
@Suite struct TrainingCommandTests {
    /// A fast preset with constant schedules, so a split run and a whole run follow the same path.
    static let quickAgent = """
        # quick test agent
        algorithm: ppo
        network: {encoder: [16], torso: [16], head: []}
        envs_per_task: 4
        rollout_steps: 16
        epochs: 2
        minibatches: 2
        learning_rate: 0.001
        popart: {enabled: true, beta: 0.001}
        log_interval: 256
        eval_episodes: 3
        """

    func setUp() -> URL {
        let dir = Fixtures.temporaryDirectory("train")
        Fixtures.write(Self.quickAgent, to: "quick.yaml", in: dir)
        return dir
    }

    @Test func trainWritesARunThatEvalAndPlotRead() throws {
        let dir = setUp()
        let train = try ChorusBinary.run([
            "train", "--suite", "classic-control", "--task", "CartPole-v1,Pendulum-v1",
            "--agent", dir.appendingPathComponent("quick.yaml").path, "--steps", "1024",
            "--out", dir.appendingPathComponent("run").path,
        ])
        #expect(train.status == 0, "\(train.error)")
        #expect(train.output.contains("CartPole-v1") && train.output.contains("mean normalized score"))
        let run = dir.appendingPathComponent("run")
        for file in ["config.yaml", "metrics.csv", "checkpoints/latest.safetensors", "checkpoints/best.safetensors", "evaluation.json"] {
            #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent(file).path), "\(file) exists")
        }
        let metrics = try String(contentsOf: run.appendingPathComponent("metrics.csv"), encoding: .utf8).split(separator: "\n")
        #expect(metrics.first?.hasPrefix("step,task,episodes,return_mean,episode_length,success_rate") == true)
        #expect(metrics.count == 1 + 2 * 4, "one row per task per log interval")

        let json = run.appendingPathComponent("eval.json").path
        let eval = try ChorusBinary.run(["eval", run.path, "--episodes", "4", "--json", json, "--deterministic"])
        #expect(eval.status == 0, "\(eval.error)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        let tasks = report?["tasks"] as? [[String: Any]] ?? []
        #expect(tasks.count == 2 && report?["suite"] as? String == "classic-control")
        for key in ["name", "env", "episodes", "mean_return", "std_return", "success_rate", "normalized_score", "solved"] {
            #expect(tasks.first?[key] != nil, "task key \(key)")
        }
        for key in ["mean_normalized_score", "median_normalized_score", "tasks_solved"] { #expect(report?[key] != nil) }

        let other = try ChorusBinary.run(["eval", run.path, "--suite", "acrobot"])
        #expect(other.status != 0 && other.error.contains("Acrobot-v1") && other.error.contains("latest.safetensors"))

        let svg = dir.appendingPathComponent("curves.svg").path
        let plot = try ChorusBinary.run(["plot", run.path, run.path, "-o", svg])
        #expect(plot.status == 0)
        let text = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(text.hasPrefix("<svg") && text.contains("CartPole-v1") && text.contains("<polyline"))
    }

    @Test func resumedRunEndsBitIdenticalToAWholeOne() throws {
        let dir = setUp()
        let agent = dir.appendingPathComponent("quick.yaml").path
        let common = ["train", "--suite", "classic-control", "--task", "CartPole-v1,MountainCarContinuous-v0", "--agent", agent, "--seed", "3"]
        let whole = try ChorusBinary.run(common + ["--steps", "2048", "--out", dir.appendingPathComponent("whole").path])
        let first = try ChorusBinary.run(common + ["--steps", "768", "--out", dir.appendingPathComponent("split").path])
        let rest = try ChorusBinary.run(["train", "--resume", dir.appendingPathComponent("split").path, "--steps", "2048"])
        #expect(whole.status == 0 && first.status == 0 && rest.status == 0, "\(whole.error)\(first.error)\(rest.error)")
        let a = try Checkpoint.read(from: dir.appendingPathComponent("whole/checkpoints/latest.safetensors"))
        let b = try Checkpoint.read(from: dir.appendingPathComponent("split/checkpoints/latest.safetensors"))
        #expect(a.contents.entries == b.contents.entries, "parameters, optimizer, PopArt, RNG and environment states")
        let metricsA = try String(contentsOf: dir.appendingPathComponent("whole/metrics.csv"), encoding: .utf8)
        let metricsB = try String(contentsOf: dir.appendingPathComponent("split/metrics.csv"), encoding: .utf8)
        func dropSpeed(_ text: String) -> [String] {
            let rows = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
            let speed = rows.first?.firstIndex(of: "steps_per_second") ?? 0
            return rows.map { row in row.enumerated().filter { $0.offset != speed }.map(\.element).joined(separator: ",") }
        }
        #expect(dropSpeed(metricsA) == dropSpeed(metricsB))
        let again = try ChorusBinary.run(common + ["--steps", "768", "--out", dir.appendingPathComponent("split").path])
        #expect(again.status != 0 && again.error.contains("--resume"), "an existing run is not overwritten")
    }

    @Test func tensorBoardFilesHoldWhatMetricsCsvHolds() throws {
        let dir = setUp()
        let run = dir.appendingPathComponent("tb")
        let common = ["--agent", dir.appendingPathComponent("quick.yaml").path]
        let first = try ChorusBinary.run(
            ["train", "--suite", "classic-control", "--task", "CartPole-v1,Acrobot-v1", "--steps", "1024", "--out", run.path] + common)
        let second = try ChorusBinary.run(["train", "--resume", run.path, "--steps", "2048"])
        #expect(first.status == 0 && second.status == 0, "\(first.error)\(second.error)")
        let files = try FileManager.default.contentsOfDirectory(atPath: run.path).filter { $0.hasPrefix("events.out.tfevents.") }.sorted()
        #expect(files.count == 2, "one event file per process: \(files)")
        var logged: [String: [Int64: Float]] = [:]
        for file in files {
            let events = try TensorBoardReader.events(in: run.appendingPathComponent(file))
            #expect(events.first?.content == .fileVersion("brain.Event:2"))
            for event in events.dropFirst() {
                guard case .summary(let values) = event.content else { continue }
                for value in values {
                    #expect(logged[value.tag]?[event.step] == nil, "\(value.tag) at step \(event.step) is logged once")
                    logged[value.tag, default: [:]][event.step] = value.simpleValue
                }
            }
        }
        let rows = try String(contentsOf: run.appendingPathComponent("metrics.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        var compared = 0
        for row in rows {
            let f = row.split(separator: ",", omittingEmptySubsequences: false)
            let step = Int64(f[0])!, task = String(f[1])
            for name in ["losses/value_loss/\(task)", "losses/approx_kl/\(task)", "losses/clipfrac/\(task)", "charts/SPS", "popart/sigma/\(task)"] {
                #expect(logged[name]?[step] != nil, "\(name) at \(step)")
            }
            guard let csvReturn = Double(f[3]) else {
                #expect(logged["charts/episodic_return/\(task)"]?[step] == nil, "no episode, no point")
                continue
            }
            let tbReturn = try #require(logged["charts/episodic_return/\(task)"]?[step], "\(task) at \(step)")
            #expect(abs(Double(tbReturn) - csvReturn) <= 1e-5 * max(1, abs(csvReturn)), "\(task) at \(step): \(tbReturn) vs \(csvReturn)")
            compared += 1
        }
        #expect(compared >= 8 && rows.count == 2 * 8, "every interval of both tasks, across the resume")
    }

    @Test func badPresetsAndFlagsAreClearErrors() throws {
        let dir = setUp()
        Fixtures.write("algorithm: ppo\nlearning_rat: 0.1\n", to: "typo.yaml", in: dir)
        Fixtures.write("algorithm: ppo\ngamma: 1.5\n", to: "range.yaml", in: dir)
        Fixtures.write("algorithm: [ppo\n", to: "broken.yaml", in: dir)
        for (file, words) in [
            ("typo.yaml", ["learning_rat", "unknown key"]), ("range.yaml", ["gamma", "out of range"]), ("broken.yaml", ["malformed YAML"]),
        ] {
            let path = dir.appendingPathComponent(file).path
            let r = try ChorusBinary.run(["train", "--suite", "cartpole", "--agent", path, "--out", dir.appendingPathComponent("x").path])
            #expect(r.status != 0 && r.error.contains(path), "\(file): \(r.error)")
            for word in words { #expect(r.error.contains(word), "\(file) mentions \(word)") }
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("x").path), "nothing written")
        }
        let unknown = try ChorusBinary.run(["train", "--suite", "cartpole", "--agent", "no-such-agent"])
        #expect(unknown.status != 0 && unknown.error.contains("--agent") && unknown.error.contains("popart-ppo"))
        let missing = try ChorusBinary.run(["eval", dir.appendingPathComponent("nothing").path])
        #expect(missing.status != 0 && missing.error.contains("no such run"))
        Fixtures.write("not a checkpoint", to: "bad.safetensors", in: dir)
        let corrupt = try ChorusBinary.run(["eval", dir.appendingPathComponent("bad.safetensors").path])
        #expect(corrupt.status != 0 && corrupt.error.contains("bad.safetensors"))
    }

    @Test func distralRunsEvaluateTheTaskOrTheDistilledPolicy() throws {
        let dir = setUp()
        Fixtures.write(
            Self.quickAgent + "\narchitecture: single-task\nentropy_coef: 0\ndistral: {columns: 2, c_kl: 0.001, c_ent: 0.001}\n",
            to: "distral.yaml", in: dir)
        let agent = dir.appendingPathComponent("distral.yaml").path
        let run = dir.appendingPathComponent("distral")
        let train = try ChorusBinary.run([
            "train", "--suite", "gridworld-goals", "--task", "maze-north-west,maze-south-east",
            "--agent", agent, "--steps", "512", "--out", run.path,
        ])
        #expect(train.status == 0, "\(train.error)")
        let metrics = try String(contentsOf: run.appendingPathComponent("metrics.csv"), encoding: .utf8).split(separator: "\n")
        #expect(metrics[0].contains("kl_distilled,entropy_distilled"))
        let columns = metrics[1].split(separator: ",", omittingEmptySubsequences: false)
        let klColumn = metrics[0].split(separator: ",").firstIndex(of: "kl_distilled")!
        #expect(Double(columns[klColumn]).map { $0 >= 0 } == true, "KL(π_i ‖ π₀) is logged")
        for choice in ["trained", "distilled", "random"] {
            let eval = try ChorusBinary.run(["eval", run.path, "--episodes", "3", "--policy", choice])
            #expect(eval.status == 0 && eval.output.contains("maze-south-east"), "\(choice): \(eval.error)")
        }
        // A plain actor-critic run has no π₀.
        let plain = dir.appendingPathComponent("plain")
        _ = try ChorusBinary.run([
            "train", "--suite", "cartpole", "--agent", dir.appendingPathComponent("quick.yaml").path, "--steps", "256", "--out", plain.path,
        ])
        let noDistilled = try ChorusBinary.run(["eval", plain.path, "--policy", "distilled"])
        #expect(noDistilled.status != 0 && noDistilled.error.contains("no distilled policy"), "\(noDistilled.error)")
    }

    @Test(arguments: [1, 2])
    func distralOnAMixedSuiteIsDeterministicAndResumesBitIdentically(columns: Int) throws {
        // CartPole (discrete) and Pendulum (box) in one Distral run: the same seed gives the same checkpoint bytes,
        // a split run resumed with --resume ends identical to a whole one, and π₀ acts on both tasks.
        let dir = setUp()
        Fixtures.write(
            Self.quickAgent + "\narchitecture: single-task\nentropy_coef: 0\ndistral: {columns: \(columns), c_kl: 0.01, c_ent: 0.01}\n",
            to: "distral.yaml", in: dir)
        let common = [
            "train", "--suite", "classic-control", "--task", "CartPole-v1,Pendulum-v1", "--agent", dir.appendingPathComponent("distral.yaml").path,
            "--seed", "5",
        ]
        let whole = try ChorusBinary.run(common + ["--steps", "2048", "--out", dir.appendingPathComponent("whole").path])
        let again = try ChorusBinary.run(common + ["--steps", "2048", "--out", dir.appendingPathComponent("again").path])
        let first = try ChorusBinary.run(common + ["--steps", "768", "--out", dir.appendingPathComponent("split").path])
        let rest = try ChorusBinary.run(["train", "--resume", dir.appendingPathComponent("split").path, "--steps", "2048"])
        #expect(whole.status == 0 && again.status == 0 && first.status == 0 && rest.status == 0, "\(whole.error)\(first.error)\(rest.error)")
        let latest = "checkpoints/latest.safetensors"
        let bytes = try Data(contentsOf: dir.appendingPathComponent("whole").appendingPathComponent(latest))
        #expect(bytes == (try Data(contentsOf: dir.appendingPathComponent("again").appendingPathComponent(latest))), "same seed, same bytes")
        let a = try Checkpoint.read(from: dir.appendingPathComponent("whole").appendingPathComponent(latest))
        let b = try Checkpoint.read(from: dir.appendingPathComponent("split").appendingPathComponent(latest))
        #expect(a.contents.entries == b.contents.entries, "parameters (π₀'s log σ₀ too), optimizer, PopArt, RNG and environment states")
        #expect(a.contents.entries.keys.contains("distilled.log_std.box-1"))
        let metrics = try String(contentsOf: dir.appendingPathComponent("whole/metrics.csv"), encoding: .utf8).split(separator: "\n")
        let header = metrics[0].split(separator: ",")
        let kl = header.firstIndex(of: "kl_distilled")!, entropy = header.firstIndex(of: "entropy_distilled")!
        let pendulum = try #require(metrics.last { $0.contains("Pendulum-v1") }).split(separator: ",", omittingEmptySubsequences: false)
        #expect(Double(pendulum[kl]).map { $0 > 0 } == true && Double(pendulum[entropy]) != nil, "closed-form KL and H(π₀) are logged")
        for flags in [["--deterministic"], []] {
            let eval = try ChorusBinary.run(["eval", dir.appendingPathComponent("whole").path, "--episodes", "2", "--policy", "distilled"] + flags)
            #expect(eval.status == 0 && eval.output.contains("Pendulum-v1"), "π₀ \(flags): \(eval.error)")
        }
        let watch = try ChorusBinary.run([
            "watch", dir.appendingPathComponent("whole").path, "--policy", "distilled", "--task", "Pendulum-v1", "--episodes", "1", "--ascii",
        ])
        #expect(watch.status == 0 && watch.output.contains("Pendulum-v1"), "\(watch.error)")
    }
}

/// End-to-end: `chorus watch` recording headlessly, the ASCII view, and a missing display.
@Suite struct WatchCommandTests {
    @Test func headlessRecordingAsciiAndNoDisplay() throws {
        let dir = Fixtures.temporaryDirectory("watch")
        let gif = dir.appendingPathComponent("cart.gif").path
        let record = try ChorusBinary.run(["watch", "--policy", "random", "--suite", "cartpole", "--episodes", "1", "--headless", "--record", gif])
        #expect(record.status == 0 && record.output.contains("recorded"), "\(record.error)")
        let size = (try? FileManager.default.attributesOfItem(atPath: gif)[.size] as? Int) ?? 0
        #expect(size > 1000, "a GIF was written")
        let ascii = try ChorusBinary.run([
            "watch", "--policy", "random", "--suite", "gridworld-goals", "--task", "maze-north-east", "--episodes", "1", "--ascii",
        ])
        #expect(ascii.status == 0 && ascii.output.contains("#########") && ascii.output.contains("maze-north-east"))
        let noDisplay = try ChorusBinary.run(
            ["watch", "--policy", "random", "--suite", "cartpole"],
            environment: ["DISPLAY": "", "WAYLAND_DISPLAY": "", "SDL_VIDEODRIVER": ""])
        #expect(noDisplay.status != 0 && noDisplay.error.contains("--headless --record"), "\(noDisplay.error)")
    }
}
