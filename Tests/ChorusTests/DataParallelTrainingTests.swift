import Agents
import Foundation
import NeuralNetworks
import TestSupport
import Testing

/// Where `mpirun` is, for the data-parallel tests.
private enum MPILauncher {
    /// Open MPI's `mpirun`, when this build has the MPI trait and one is installed.
    static let mpirun: URL? = {
        #if MPI
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent("mpirun") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
        #else
        return nil
        #endif
    }()

    static var skipReason: Comment {
        #if MPI
        "mpirun is not on PATH (apt-get install openmpi-bin)"
        #else
        "built without the MPI trait (swift build -c release --traits default,MPI)"
        #endif
    }
}

/// `mpirun -np 2 chorus train …` end to end. These need a binary built with the MPI trait
/// (`swift build -c release --traits default,MPI`) and Open MPI's `mpirun`; otherwise they are skipped.
@Suite(.enabled(if: MPILauncher.mpirun != nil, MPILauncher.skipReason))
struct DataParallelTrainingTests {
    /// PPO with PopArt and standardised advantages (both gather every rank's samples), two minibatches.
    static let ppoAgent = """
        algorithm: ppo
        network: {encoder: [16], torso: [16], head: []}
        envs_per_task: 3
        rollout_steps: 16
        epochs: 2
        minibatches: 2
        normalize_advantages: true
        learning_rate: 0.001
        popart: {enabled: true, beta: 0.001}
        log_interval: 384
        eval_episodes: 2
        """

    /// A2C with PopArt and `envs_per_task` environments: one update per rollout, so 2 ranks × n and 1 × 2n
    /// learn from the same samples.
    static func a2cAgent(
        environments: Int, normalizeObservations: Bool = false, gradientSurgery: String = "none", pipelined: Bool = false
    ) -> String {
        """
        algorithm: a2c
        normalize_observations: \(normalizeObservations)
        gradient_surgery: \(gradientSurgery)
        actor_learner: \(pipelined ? "pipelined" : "synchronous")
        network: {encoder: [16], torso: [16], head: []}
        envs_per_task: \(environments)
        rollout_steps: 8
        estimator: \(pipelined ? "vtrace" : "nstep")
        optimizer: adam
        learning_rate: 0.0005
        popart: {enabled: true, beta: 0.01}
        log_interval: 256
        eval_episodes: 2
        """
    }

    static let tasks = ["--suite", "classic-control", "--task", "CartPole-v1,Pendulum-v1"]

    /// Runs `mpirun -np ranks chorus arguments…` (ranks 0: chorus alone) and returns its exit status and output.
    func launch(ranks: Int, _ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        if ranks > 0 {
            process.executableURL = MPILauncher.mpirun!
            process.arguments =
                [
                    "--allow-run-as-root", "--oversubscribe", "--bind-to", "none", "--mca", "mpi_yield_when_idle", "1", "-np", String(ranks),
                    ChorusBinary.url.path,
                ] + arguments
        } else {
            process.executableURL = ChorusBinary.url
            process.arguments = arguments
        }
        process.currentDirectoryURL = Fixtures.repositoryRoot
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func twoRanksTwiceWriteByteIdenticalCheckpoints() throws {
        let dir = Fixtures.temporaryDirectory("mpi-twice")
        let agent = Fixtures.write(Self.ppoAgent, to: "ppo.yaml", in: dir).path
        var checkpoints: [[UInt8]] = []
        for attempt in 0..<2 {
            let out = dir.appendingPathComponent("run\(attempt)")
            let result = try launch(ranks: 2, ["train"] + Self.tasks + ["--agent", agent, "--steps", "1152", "--seed", "3", "--out", out.path])
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("on 2 MPI ranks") && result.output.contains("allreduce:"))
            checkpoints.append(try [UInt8](Data(contentsOf: out.appendingPathComponent("checkpoints/latest.safetensors"))))
            let metrics = try String(contentsOf: out.appendingPathComponent("metrics.csv"), encoding: .utf8)
            #expect(metrics.split(separator: "\n").count == 1 + 3 * 2, "one header and one row per task per interval, from rank 0 only")
        }
        #expect(checkpoints[0] == checkpoints[1], "same seed and rank count: the same bytes")
        let checkpoint = try Checkpoint.decode(checkpoints[0])
        #expect(checkpoint.metadata[CheckpointLayout.ranks] == "2")
        #expect(checkpoint.metadata[CheckpointLayout.environmentSteps] == "1152")
    }

    /// With `normalize_observations`, every rank merges all ranks' observations in rank order: the statistics
    /// are the single process's, up to the few-ulp parameter differences that move Pendulum's continuous actions.
    /// With gradient surgery, every rank combines the task gradients averaged over the ranks, as one process does.
    /// Pipelined (with normalisation), each rank's actor gathers observations on its own communicator while its
    /// learner reduces gradients on the other, and the run is still the single process's.
    @Test(arguments: ["plain", "normalized", "pcgrad", "gradnorm", "pipelined"])
    func twoRanksOfNEnvironmentsMatchOneProcessOfTwoN(variant: String) throws {
        let normalizeObservations = variant != "plain", surgery = ["pcgrad", "gradnorm"].contains(variant) ? variant : "none"
        let pipelined = variant == "pipelined"
        let dir = Fixtures.temporaryDirectory("mpi-match")
        let half = Fixtures.write(
            Self.a2cAgent(environments: 4, normalizeObservations: normalizeObservations, gradientSurgery: surgery, pipelined: pipelined),
            to: "half.yaml", in: dir
        ).path
        let whole = Fixtures.write(
            Self.a2cAgent(environments: 8, normalizeObservations: normalizeObservations, gradientSurgery: surgery, pipelined: pipelined),
            to: "whole.yaml", in: dir
        ).path
        let common = ["train"] + Self.tasks + ["--steps", "768", "--seed", "9"]
        let parallel = try launch(ranks: 2, common + ["--agent", half, "--out", dir.appendingPathComponent("parallel").path])
        #expect(parallel.status == 0, "\(parallel.output)")
        let single = try launch(ranks: 0, common + ["--agent", whole, "--out", dir.appendingPathComponent("single").path])
        #expect(single.status == 0, "\(single.output)")
        let a = try Checkpoint.read(from: dir.appendingPathComponent("parallel/checkpoints/latest.safetensors")).contents
        let b = try Checkpoint.read(from: dir.appendingPathComponent("single/checkpoints/latest.safetensors")).contents
        // Six updates from the same samples: equal up to the order of summation (the gradient is a mean of two
        // rank means instead of one mean), which Adam's first steps can amplify to a few ulps of its step.
        var largest: Float = 0, count = 0
        for name in b.entries.keys.sorted() where !name.hasPrefix("state.") && !name.hasPrefix("optimizer.") {
            let x = try #require(a.tensor(name)), y = try #require(b.tensor(name))
            for k in 0..<y.count {
                largest = max(largest, abs(x.storage[k] - y.storage[k]))
                count += 1
            }
        }
        #expect(count > 400 && largest < 1e-5, "largest parameter difference \(largest) over \(count) parameters")
        let means = try #require(a.doubles(CheckpointLayout.popArtMean)), otherMeans = try #require(b.doubles(CheckpointLayout.popArtMean))
        for (x, y) in zip(means, otherMeans) { #expect(abs(x - y) <= 1e-6 * max(1, abs(y)), "PopArt μ \(x) vs \(y)") }
        if surgery == "gradnorm" {
            let weights = try #require(a.doubles(CheckpointLayout.gradNormWeights))
            let otherWeights = try #require(b.doubles(CheckpointLayout.gradNormWeights))
            #expect(weights != [1, 1], "the weights moved")
            for (x, y) in zip(weights, otherWeights) { #expect(abs(x - y) <= 1e-6, "GradNorm weight \(x) vs \(y)") }
        }
        for task in 0..<2 {
            let names = [CheckpointLayout.observationMeans(task: task), CheckpointLayout.observationSquaredDeviations(task: task)]
            for name in names {
                #expect((a.doubles(name) != nil) == normalizeObservations && (b.doubles(name) != nil) == normalizeObservations)
                for (x, y) in zip(a.doubles(name) ?? [], b.doubles(name) ?? []) {
                    #expect(abs(x - y) <= 1e-6 * max(1, abs(y)), "\(name): \(x) vs \(y)")
                }
            }
        }
    }

    /// A2C with V-trace and a constant learning rate, for the remote actors.
    static func remoteAgent(_ mode: String) -> String {
        a2cAgent(environments: 4, pipelined: true).replacingOccurrences(of: "actor_learner: pipelined", with: "actor_learner: \(mode)")
            + "\nlr_schedule: constant\n"
    }

    /// One remote actor follows the pipelined actor–learner's schedule: rank 0's parameters, optimizer, PopArt and
    /// statistics are those of one process with `actor_learner: pipelined` that counts the rollout waiting for its
    /// learner (one iteration's steps more) — bit for bit.
    @Test func oneRemoteActorIsThePipelinedActorLearner() throws {
        let dir = Fixtures.temporaryDirectory("mpi-remote")
        let remote = Fixtures.write(Self.remoteAgent("remote"), to: "remote.yaml", in: dir).path
        let pipelined = Fixtures.write(Self.remoteAgent("pipelined"), to: "pipelined.yaml", in: dir).path
        let iteration = 4 * 8 * 2  // envs × rollout steps × tasks
        let common = ["train"] + Self.tasks + ["--seed", "5"]
        let a = try launch(
            ranks: 2, common + ["--agent", remote, "--steps", String(12 * iteration), "--out", dir.appendingPathComponent("remote").path])
        #expect(a.status == 0 && a.output.contains("with 1 remote actor"), "\(a.output)")
        let b = try launch(
            ranks: 0, common + ["--agent", pipelined, "--steps", String(13 * iteration), "--out", dir.appendingPathComponent("one").path])
        #expect(b.status == 0, "\(b.output)")
        let x = try Checkpoint.read(from: dir.appendingPathComponent("remote/checkpoints/latest.safetensors")).contents
        let y = try Checkpoint.read(from: dir.appendingPathComponent("one/checkpoints/latest.safetensors")).contents
        var compared = 0
        for name in x.entries.keys.sorted() where !name.hasPrefix("state.env.") && name != CheckpointLayout.progress {
            #expect(x.entries[name] == y.entries[name], "\(name)")
            compared += 1
        }
        #expect(compared > 20 && x.entries[CheckpointLayout.statistics] != nil)
        #expect(x.words(CheckpointLayout.progress)?.last == 12, "12 updates")
    }

    /// Two remote actors: the round-robin schedule gives the same bytes twice; the actors' episodes reach the
    /// metrics; a remote run cannot be resumed (its actors' environments are not in the checkpoint).
    @Test func twoRemoteActorsTwiceWriteByteIdenticalCheckpoints() throws {
        let dir = Fixtures.temporaryDirectory("mpi-remote-twice")
        let agent = Fixtures.write(Self.remoteAgent("remote"), to: "remote.yaml", in: dir).path
        var checkpoints: [Data] = []
        for attempt in 0..<2 {
            let out = dir.appendingPathComponent("run\(attempt)")
            let result = try launch(ranks: 3, ["train"] + Self.tasks + ["--agent", agent, "--steps", "1536", "--seed", "6", "--out", out.path])
            #expect(result.status == 0 && result.output.contains("with 2 remote actors"), "\(result.output)")
            checkpoints.append(try Data(contentsOf: out.appendingPathComponent("checkpoints/latest.safetensors")))
            let metrics = try String(contentsOf: out.appendingPathComponent("metrics.csv"), encoding: .utf8)
            #expect(metrics.split(separator: "\n").dropFirst().contains { $0.split(separator: ",", omittingEmptySubsequences: false)[2] != "0" })
        }
        #expect(checkpoints[0] == checkpoints[1])
        let resumed = try launch(ranks: 3, ["train", "--resume", dir.appendingPathComponent("run0").path, "--steps", "3072"])
        #expect(resumed.status != 0 && resumed.output.contains("cannot be resumed") && resumed.output.contains("--init-from"), "\(resumed.output)")
    }

    /// Pipelined, the checkpoint also holds each rank's rollout waiting for its learner.
    @Test(arguments: [false, true])
    func aRunSplitInTwoOnTwoRanksEndsWithTheSameBytes(pipelined: Bool) throws {
        let dir = Fixtures.temporaryDirectory("mpi-resume")
        let preset = Self.ppoAgent + (pipelined ? "\nactor_learner: pipelined\nestimator: vtrace\n" : "")
        let agent = Fixtures.write(preset, to: "ppo.yaml", in: dir).path
        let whole = dir.appendingPathComponent("whole").path, split = dir.appendingPathComponent("split").path
        let train = ["train"] + Self.tasks + ["--agent", agent, "--seed", "4"]
        #expect(try launch(ranks: 2, train + ["--steps", "1152", "--out", whole]).status == 0)
        let first = try launch(ranks: 2, train + ["--steps", "384", "--out", split])
        #expect(first.status == 0, "\(first.output)")
        let alone = try launch(ranks: 0, ["train", "--resume", split, "--steps", "1152"])
        #expect(alone.status == 1 && alone.output.contains("2 MPI ranks") && alone.output.contains("mpirun -np 2"), "\(alone.output)")
        let resumed = try launch(ranks: 2, ["train", "--resume", split, "--steps", "1152"])
        #expect(resumed.status == 0, "\(resumed.output)")
        let a = try Data(contentsOf: URL(fileURLWithPath: whole + "/checkpoints/latest.safetensors"))
        let b = try Data(contentsOf: URL(fileURLWithPath: split + "/checkpoints/latest.safetensors"))
        #expect(a == b, "resumed on the same rank count: bit for bit")
        let checkpoint = try Checkpoint.decode([UInt8](b))
        #expect(checkpoint.contents.words(CheckpointLayout.rankEntry(CheckpointLayout.environmentWords(task: 1), rank: 1)) != nil)
        let pending = CheckpointLayout.rankEntry(CheckpointLayout.pendingRollout(task: 1, "observations"), rank: 1)
        #expect((checkpoint.contents.tensor(pending) != nil) == pipelined)
        if pipelined {
            let own = checkpoint.contents.tensor(CheckpointLayout.pendingRollout(task: 1, "observations"))
            #expect(checkpoint.contents.tensor(pending) != own, "rank 1 keeps its own rollout, not rank 0's")
        }
    }
}
