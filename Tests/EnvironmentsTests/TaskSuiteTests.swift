import Environments
import Randomness
import Foundation
import TestSupport
import Testing

@Suite struct TaskSuiteTests {
    let catalogue = Catalogue.repository

    /// Loads `yaml` written to a temporary file and returns the error message, or nil when it loads.
    func problem(_ yaml: String) -> String? {
        let folder = Fixtures.temporaryDirectory()
        let file = Fixtures.write(yaml, to: "suite.yaml", in: folder)
        do { _ = try TaskSuite.load(contentsOf: file, catalogue: catalogue); return nil } catch {
            #expect(error.file == file.path, "the message names the file")
            return error.description
        }
    }

    @Test func everyCatalogueSuiteLoads() throws {
        let names = catalogue.suiteNames
        for required in [
            "gridworld-goals", "gridworld-mix", "classic-control", "popart-scales",
            "cartpole", "acrobot", "mountaincar", "mountaincar-continuous", "pendulum",
        ] {
            #expect(names.contains(required))
        }
        for name in names { _ = try catalogue.loadSuite(name) }
        let goals = try catalogue.loadSuite("gridworld-goals")
        #expect(goals.tasks.count >= 4)
        let scales = try catalogue.loadSuite("popart-scales").tasks.map(\.spec.rewardScale)
        #expect(scales.max()! / scales.min()! >= 1e5)
        let control = try catalogue.loadSuite("classic-control")
        #expect(Set(control.tasks.map(\.spec.env)).count == 5)
    }

    @Test func badSuitesNameTheKey() {
        #expect(
            problem("tasks:\n  - {name: a, env: CartPole-v1, solved_return: 1, colour: red}\n")?.contains("unknown key 'tasks[0].colour'") == true)
        #expect(problem("tasks:\n  - {name: a, env: CartPole-v9, solved_return: 1}\n")?.contains("unknown environment id 'CartPole-v9'") == true)
        #expect(
            problem("tasks:\n  - {name: a, env: CartPole-v1, solved_return: lots}\n")?.contains("tasks[0].solved_return: expected a number") == true)
        #expect(
            problem("tasks:\n  - {name: a, env: CartPole-v1, solved_return: 1}\n  - {name: a, env: Acrobot-v1, solved_return: 1}\n")?.contains(
                "duplicate task name 'a'") == true)
        #expect(problem("tasks:\n  - {name: a, env: CartPole-v1}\n")?.contains("missing key 'solved_return'") == true)
        #expect(problem("tasks: [\n")?.contains("malformed YAML") == true)
        #expect(problem("description: x\n")?.contains("missing key 'tasks'") == true)
        #expect(problem("tasks:\n  - {name: a, env: CartPole-v1, solved_return: 1, max_steps: 0}\n")?.contains("out of range") == true)
        #expect(problem("tasks:\n  - {name: a, env: CartPole-v1, solved_return: 1, reward_scale: -2}\n")?.contains("must be positive") == true)
        #expect(problem("tasks:\n  - {name: a, env: CartPole-v1, solved_return: 1, sampling_weight: 0}\n")?.contains("out of range") == true)
        #expect(
            problem("tasks:\n  - {name: a, env: CartPole-v1, solved_return: 1, sampling_weight: 1.5}\n")?.contains("sampling_weight") == true)
        #expect(
            problem("tasks:\n  - {name: a, env: CartPole-v1, map: maze, solved_return: 1}\n")?.contains("only Gridworld tasks take 'map'") == true)
    }

    @Test func badGridworldTasks() {
        #expect(problem("tasks:\n  - {name: a, env: Gridworld, map: nowhere, solved_return: 1}\n")?.contains("unknown map 'nowhere'") == true)
        #expect(problem("tasks:\n  - {name: a, env: Gridworld, solved_return: 1}\n")?.contains("needs 'map'") == true)
        #expect(problem("tasks:\n  - {name: a, env: Gridworld, map: maze, goal: [40, 1], solved_return: 1}\n")?.contains("outside") == true)
        #expect(problem("tasks:\n  - {name: a, env: Gridworld, map: maze, goal: [0, 0], solved_return: 1}\n")?.contains("not a free cell") == true)
        #expect(problem("tasks:\n  - {name: a, env: Gridworld, map: maze, goal: [1], solved_return: 1}\n")?.contains("two whole numbers") == true)
        #expect(problem("tasks:\n  - {name: a, env: Gridworld, map: maze, goal: [7, 7], solved_return: 1}\n") == nil)
        let maze = "tasks:\n  - {name: a, env: Gridworld, map: maze, goal: [7, 7], solved_return: 1, "
        #expect(problem(maze + "start: somewhere}\n")?.contains("start 'somewhere': expected [column, row], a list of cells, or room") == true)
        #expect(problem(maze + "start: [[1, 1], [0, 0]]}\n")?.contains("start [0, 0] is not a free cell") == true)
        #expect(problem(maze + "view: 4}\n")?.contains("view 4 must be odd") == true)
        #expect(problem(maze + "observation: partial}\n")?.contains("unknown value 'partial' (expected one of: full, no-goal)") == true)
        #expect(problem(maze + "previous_action: maybe}\n")?.contains("expected true or false") == true)
        #expect(problem(maze + "start: room, view: 5, observation: no-goal, previous_reward: true}\n") == nil)
        #expect(
            problem("tasks:\n  - {name: a, env: CartPole-v1, view: 5, solved_return: 1}\n")?.contains("only Gridworld tasks take 'view'") == true)
    }

    @Test func aMalformedMapNamesTheMapFile() {
        let folder = Fixtures.temporaryDirectory()
        Fixtures.write("#####\n#A?G#\n#####\n", to: "broken.txt", in: folder)
        let file = Fixtures.write("tasks:\n  - {name: a, env: Gridworld, map: broken.txt, solved_return: 1}\n", to: "suite.yaml", in: folder)
        #expect(throws: ChorusError.self) { try TaskSuite.load(contentsOf: file, catalogue: catalogue) }
        do { _ = try TaskSuite.load(contentsOf: file, catalogue: catalogue) } catch {
            #expect(error.description.contains("broken.txt:2:3: unknown character"))
        }
    }

    @Test func unknownSuiteAndTaskNames() throws {
        #expect(throws: ChorusError.self) { try catalogue.loadSuite("no-such-suite") }
        let suite = try catalogue.loadSuite("classic-control")
        #expect(try suite.selecting(["Pendulum-v1", "CartPole-v1"]).tasks.map(\.name) == ["Pendulum-v1", "CartPole-v1"])
        #expect(throws: ChorusError.self) { try suite.selecting(["Pong"]) }
    }
}

/// The open registry: ids, standard prototypes, and families' own task keys.
@Suite struct EnvironmentRegistryTests {
    @Test func idsAreUniqueAndEveryStandardPrototypeSteps() {
        let ids = EnvironmentRegistry.members.map(\.id)
        #expect(Set(ids).count == ids.count, "no id is registered twice")
        for member in EnvironmentRegistry.members {
            let prototype = member.standard()
            #expect(prototype.environment.id == member.id, "\(member.id)'s standard environment reports its id")
            let batch = prototype.makeBatch(count: 3, seed: 1)
            var rng = RandomGenerator(seed: 5)
            batch.stepRandomly(steps: 50, using: &rng)
            #expect(batch.observations.count == 3 * prototype.environment.observationSpace.size)
            #expect(EnvironmentRegistry.family(of: member.id) != nil)
        }
    }

    @Test func samplingWeightsAreReadAndSavedWithTheSuite() throws {
        let suite = TaskSuite.fromText(
            """
            tasks:
              - {name: car, env: MountainCar-v0, solved_return: -110, sampling_weight: 3}
              - {name: pole, env: CartPole-v1, solved_return: 475}
            """)
        #expect(suite.tasks.map(\.spec.samplingWeight) == [3, 1])
        let saved = try SuiteDefinition(suite).load(file: "saved")
        #expect(saved.tasks.map(\.spec) == suite.tasks.map(\.spec))
    }

    @Test func aFamilysOwnKeysReachItAndAreSavedWithTheSuite() throws {
        let suite = TaskSuite.fromText(
            """
            tasks:
              - {name: b, env: MinAtar/Breakout-v1, sticky_action_prob: 0.25, difficulty_ramping: false, max_steps: 99, solved_return: 10}
              - {name: s, env: MinAtar/Seaquest-v0, solved_return: 20}
            """)
        func settings(_ suite: TaskSuite) throws -> [String] {
            let breakout = try #require(suite.tasks[0].prototype.environment as? MinAtarEnvironment<Breakout>)
            let seaquest = try #require(suite.tasks[1].prototype.environment as? MinAtarEnvironment<Seaquest>)
            return [
                "\(breakout.stickyActionProbability) \(breakout.difficultyRamping) \(breakout.maxEpisodeSteps) \(breakout.minimalActionSet)",
                "\(seaquest.stickyActionProbability) \(seaquest.difficultyRamping) \(seaquest.minimalActionSet)",
            ]
        }
        #expect(try settings(suite) == ["0.25 false 99 true", "0.1 true false"])
        let saved = try SuiteDefinition(suite).load(file: "saved")
        #expect(try settings(saved) == settings(suite), "the saved suite keeps the family's keys")
        #expect(saved.tasks.map(\.spec) == suite.tasks.map(\.spec))
        let folder = Fixtures.temporaryDirectory()
        let wrong = Fixtures.write(
            "tasks:\n  - {name: a, env: CartPole-v1, sticky_action_prob: 0.5, solved_return: 1}\n", to: "suite.yaml", in: folder)
        #expect(throws: ChorusError.self) { try TaskSuite.load(contentsOf: wrong, catalogue: .repository) }
        let outOfRange = Fixtures.write(
            "tasks:\n  - {name: a, env: MinAtar/Breakout-v1, sticky_action_prob: 1.5, solved_return: 1}\n", to: "range.yaml", in: folder)
        #expect(throws: ChorusError.self) { try TaskSuite.load(contentsOf: outOfRange, catalogue: .repository) }
    }
}
