import Agents
import ArgumentParser
import Communication
import Environments
import Foundation

/// `chorus train`: trains one network on a suite and evaluates it.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train an agent on a task suite.",
        discussion:
            "The run directory gets config.yaml, metrics.csv, checkpoints/{latest,best}.safetensors and the final evaluation. Ctrl-C saves and stops; --resume continues exactly. Built with the MPI trait, `mpirun -np N chorus train …` trains data-parallel: each rank steps envs_per_task environments of every task, rank 0 writes the run; with actor_learner: remote, rank 0 learns and the other ranks act (IMPALA's actors)."
    )

    @Option(help: "Suite: a catalogue name (chorus list suites) or a YAML path.")
    var suite: String?
    @Option(help: "Agent preset: a catalogue name (chorus list agents) or a YAML path.")
    var agent: String = "popart-ppo"
    @OptionGroup var options: RunOptions
    @Option(help: "Continue the run in this directory from its latest checkpoint.")
    var resume: String?
    @Option(
        help:
            "Warm start: take every parameter whose name and shape match from this run directory (its latest checkpoint) or checkpoint file — encoders, torso, Distral's π₀ — and start the rest (new tasks' heads) fresh."
    )
    var initFrom: String?

    func validate() throws {
        if resume == nil && suite == nil { throw ValidationError("--suite is required (or --resume DIR)") }
        if resume != nil && (suite != nil || options.task != nil || options.out != nil) {
            throw ValidationError("--resume takes the suite, tasks and directory from the run; drop --suite/--task/--out")
        }
        if resume != nil && initFrom != nil { throw ValidationError("--init-from starts a new run; --resume continues one from its own checkpoint") }
    }

    func run() throws {
        let communicator: any Communicator
        do { communicator = try ProcessGroup.join() } catch { throw ChorusError(file: "mpi", problem: error.description) }
        defer { communicator.finalize() }
        guard communicator.size > 1 else { return try train(communicator: communicator) }
        do { try train(communicator: communicator) } catch let exit as ExitCode {
            throw exit  // stopped by a signal, after every rank agreed and saved
        } catch {
            // One rank failing may leave the others waiting in a collective: stop them all.
            FileHandle.standardError.write(Data("error: [rank \(communicator.rank)] \(error)\n".utf8))
            communicator.abort(code: 1)
        }
    }

    private func train(communicator: any Communicator) throws {
        let catalogue = try Catalogue.locate()
        let run: TrainingRun
        let root = communicator.isRoot
        func print(_ line: String) { if root { Swift.print(line) } }
        if let resume {
            run = try TrainingRun(
                resuming: resume, catalogue: catalogue, totalSteps: options.steps, threads: options.threads, communicator: communicator)
            for notice in run.notices { print("note: " + notice) }
            print("resuming \(resume) at step \(run.learner.environmentSteps)")
        } else {
            let loaded = try options.selectTasks(of: catalogue.loadSuite(suite!))
            var configuration = try AgentConfiguration.load(agent, catalogue: catalogue)
            if let steps = options.steps { configuration.totalSteps = steps }
            let remote = configuration.actorLearner == .remote
            try TrainingRun.checkRemoteActors(configuration, remoteActors: communicator)
            if remote && !root {
                Interruption.install()  // rank 0 decides when to stop and tells the actors
                RemoteActor(tasks: loaded.tasks, configuration: configuration, seed: options.seed, communicator: communicator).run()
                return
            }
            run = try TrainingRun(
                out: options.outPath(suite: loaded, agent: configuration.name), replacing: options.overwrite,
                suite: loaded, suiteReference: suite!, configuration: configuration, seed: options.seed, threads: options.threads,
                warmStart: initFrom, communicator: remote ? SingleProcessCommunicator() : communicator,
                remoteActors: remote ? communicator : nil)
            if let summary = run.warmStartSummary { print(summary) }
            let ranks =
                remote
                ? " with \(communicator.size - 1) remote actor\(communicator.size == 2 ? "" : "s") (MPI)"
                : communicator.size > 1 ? " on \(communicator.size) MPI ranks" : ""
            print(
                "training \(configuration.name) on \(loaded.name) (\(loaded.tasks.map(\.name).joined(separator: ", "))) for \(configuration.totalSteps) steps\(ranks) → \(run.directory.path)"
            )
        }
        Interruption.install()
        var printer = ProgressPrinter()
        let outcome = try run.train(report: { printer.show($0, isLogLine: $1) }, shouldStop: { Interruption.requested })
        (run.learner as? ActorCriticLearner)?.stopRemoteActors()
        if printer.isTerminal && root { print("") }
        switch outcome {
        case .interrupted:
            let next =
                run.learner.configuration.actorLearner == .remote
                ? "Continue from its parameters with: chorus train --init-from \(run.directory.path) …"
                : "Continue with: chorus train --resume \(run.directory.path)"
            print("stopped at step \(run.learner.environmentSteps); checkpoint saved. \(next)")
            throw Interruption.exit
        case .finished:
            try run.saveLatest()
            if let trainer = run.learner as? ActorCriticLearner, trainer.gradientAllreduce.reductions > 0 {
                let reducer = trainer.gradientAllreduce
                print(
                    String(
                        format: "allreduce: %d gradient reductions, %.1f µs each on rank 0", reducer.reductions,
                        reducer.seconds / Double(reducer.reductions) * 1e6))
            }
            guard root else { return }
            let report = try run.evaluate(episodes: options.evalEpisodes ?? run.learner.configuration.evaluationEpisodes)
            print(report.table)
        }
    }
}
