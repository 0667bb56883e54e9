import Agents
import ArgumentParser
import Communication
import Environments
import Foundation

/// `chorus distill`: trains one multi-task student from trained teacher runs and compares it with them.
struct Distill: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Distil trained teacher runs into one multi-task student network.",
        discussion: """
            Each task of the suite is taught by the one teacher run trained on a task of that name (a single-task \
            or multi-task run). The student's network, loss (kl, nll, mse), temperature, driver (student or teacher) \
            and replay come from the preset's distillation: section. The run directory is an ordinary run: eval, \
            watch and plot read it. At the end the student and the teachers play the same evaluation episodes; \
            distillation.txt gives the student's score as a percentage of each teacher's.
            """
    )

    @Option(parsing: .upToNextOption, help: "Teacher runs (directories or checkpoint files), matched to the suite's tasks by name.")
    var teachers: [String] = []
    @Option(help: "Suite of the student: a catalogue name or a YAML path.")
    var suite: String
    @Option(help: "Student preset with a distillation: section: a catalogue name or a YAML path.")
    var agent: String = "distill"
    @OptionGroup var options: RunOptions

    func validate() throws {
        if teachers.isEmpty { throw ValidationError("--teachers needs at least one run directory or checkpoint") }
    }

    func run() throws {
        if let launched = ProcessGroup.launchedSize(environment: ProcessInfo.processInfo.environment), launched.size > 1 {
            throw ChorusError(
                file: "mpi",
                problem: "chorus distill runs on one process, but \(launched.size) were started (\(launched.variable)); start it without mpirun")
        }
        let catalogue = try Catalogue.locate()
        let loaded = try options.selectTasks(of: catalogue.loadSuite(suite))
        var configuration = try AgentConfiguration.load(agent, catalogue: catalogue)
        guard configuration.distillation != nil else {
            throw ChorusError(file: agent, problem: "has no distillation: section, so it is not a student preset (try --agent distill)")
        }
        if let steps = options.steps { configuration.totalSteps = steps }
        try configuration.checkResources(for: loaded.tasks, file: agent)
        let teacherSet = try Teachers(teachers, suite: loaded, suiteReference: suite, catalogue: catalogue)
        let seed = options.seed
        let distiller = Distiller(tasks: loaded.tasks, configuration: configuration, teachers: teacherSet, seed: seed, threads: options.threads)
        let notes =
            "teachers:\n"
            + loaded.tasks.indices.map {
                "  \(loaded.tasks[$0].name): \(ConfigurationNode.quoted(teacherSet.runs[teacherSet.assignments[$0].run].file))"
            }.joined(separator: "\n") + "\n"
        let directory = try RunDirectory.create(options.outPath(suite: loaded, agent: configuration.name), replacing: options.overwrite)
        let run = try TrainingRun(run: directory, suite: loaded, suiteReference: suite, learner: distiller, notes: notes)
        print(
            "distilling \(teachers.count) teacher run(s) into \(configuration.name) (\(distiller.policy.parameterCount) parameters) on \(loaded.name) for \(configuration.totalSteps) steps → \(run.directory.path)"
        )

        Interruption.install()
        var printer = ProgressPrinter()
        let outcome = try run.train(report: { printer.show($0, isLogLine: $1) }, shouldStop: { Interruption.requested })
        if printer.isTerminal { print("") }
        if outcome == .interrupted {
            print(
                "stopped at step \(distiller.environmentSteps); the student so far is saved in \(run.latestCheckpoint.path) (eval and watch read it; a distillation cannot be resumed)"
            )
            throw Interruption.exit
        }
        try run.saveLatest()
        let episodes = options.evalEpisodes ?? configuration.evaluationEpisodes
        let student = try run.evaluate(episodes: episodes)
        print(student.table)
        let teacherReport = Evaluator(episodes: episodes, seed: seed &+ 1, deterministic: false)
            .evaluate(suite: loaded.name, tasks: loaded.tasks, actors: teacherSet.actors)
        let comparison = DistillationComparison(
            student: student, teachers: teacherReport,
            teacherParameters: loaded.tasks.indices.map { teacherSet.parameterCount(for: $0) },
            studentParameters: distiller.policy.parameterCount)
        try AtomicFile.write(comparison.table + "\n", to: run.directory.appendingPathComponent("distillation.txt"))
        try AtomicFile.write(String(decoding: comparison.json(), as: UTF8.self) + "\n", to: run.directory.appendingPathComponent("distillation.json"))
        print("")
        print(comparison.table)
    }
}
