import Agents
import Environments
import Foundation

extension TaskSuite {
    /// A suite from YAML text, resolved against the repository's catalogue (fails loudly if invalid).
    public static func fromText(_ yaml: String) -> TaskSuite {
        let url = Fixtures.write(yaml, to: "suite.yaml", in: Fixtures.temporaryDirectory("suite"))
        do { return try TaskSuite.load(contentsOf: url, catalogue: .repository) } catch { fatalError("test suite is invalid: \(error)") }
    }
}

extension AgentConfiguration {
    /// A catalogue preset (fails loudly if missing).
    public static func preset(_ name: String) -> AgentConfiguration {
        do { return try AgentConfiguration.load(name, catalogue: .repository) } catch { fatalError("\(error)") }
    }

    /// A small, fast A2C configuration for unit tests.
    public static var tiny: AgentConfiguration {
        var c = AgentConfiguration()
        c.algorithm = .a2c
        c.encoderSizes = [16]
        c.torsoSizes = [16]
        c.environmentsPerTask = 4
        c.rolloutSteps = 5
        c.estimator = .nstep
        c.learningRate = 1e-3
        c.entropyCoefficient = 0.01
        return c
    }
}

/// A teacher run on disk: a trainer's checkpoint in `<directory>/checkpoints/latest.safetensors`.
public enum TeacherFixture {
    /// Trains `configuration` on `suite` (a catalogue name or YAML path) for `iterations` and saves it;
    /// returns the run directory.
    public static func write(
        suite reference: String, tasks: [String]? = nil, configuration: AgentConfiguration, seed: UInt64,
        iterations: Int = 0
    ) -> URL {
        do {
            var suite = try Catalogue.repository.loadSuite(reference)
            if let tasks { suite = try suite.selecting(tasks) }
            let trainer = ActorCriticLearner(tasks: suite.tasks, configuration: configuration, seed: seed)
            for _ in 0..<iterations { try trainer.iterate() }
            let directory = Fixtures.temporaryDirectory("teacher")
            try FileManager.default.createDirectory(at: directory.appendingPathComponent("checkpoints"), withIntermediateDirectories: true)
            try trainer.checkpoint(suite: reference).write(to: directory.appendingPathComponent("checkpoints/latest.safetensors"))
            return directory
        } catch { fatalError("cannot write a teacher run: \(error)") }
    }
}

/// A learning test's run: a catalogue suite trained with a preset for a budget, then evaluated.
public enum LearningRun {
    /// Trains `configuration` (with `totalSteps` set to `steps`) on the catalogue suite `suite` with `seed`, then
    /// returns each task's mean return over `episodes` evaluation episodes (evaluation seed 99).
    public static func meanReturns(
        suite name: String, configuration: AgentConfiguration, steps: Int, seed: UInt64, episodes: Int, deterministic: Bool
    ) throws -> [Double] {
        let suite = try Catalogue.repository.loadSuite(name)
        var c = configuration
        c.totalSteps = steps
        let learner = ActorCriticLearner(tasks: suite.tasks, configuration: c, seed: seed)
        while learner.environmentSteps < c.totalSteps { try learner.iterate() }
        let report = Evaluator(episodes: episodes, seed: 99, deterministic: deterministic)
            .evaluate(suite: name, tasks: suite.tasks, policy: learner.policy, popArt: learner.popArt, policyTask: Array(suite.tasks.indices))
        return report.tasks.map(\.meanReturn)
    }
}
