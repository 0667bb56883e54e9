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
