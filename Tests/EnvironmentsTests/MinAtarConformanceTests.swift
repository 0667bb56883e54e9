import Environments
import Foundation
import Randomness
import TestSupport
import Testing

/// Replays every MinAtar trace recorded from the reference (`Tests/Fixtures/minatar/*.jsonl.gz`, MinAtar 1.0.15)
/// free-running over each run's episodes, and every hand-built case of `scenarios.json`.
///
/// At each step it compares the executed action, reward, terminal flag, observation and the number of 32-bit
/// words drawn (and each reset's words); after a run, the generator's position and key digest.
@Suite("Conformance with MinAtar")
struct MinAtarConformanceTests {
    /// One line of a trace file: a seeded run of several episodes.
    struct Run: Decodable {
        struct Episode: Decodable {
            var resetWords: Int
            var initialObservation: [Int]
            var steps: [Step]
            var rampIndex: Int?

            enum CodingKeys: String, CodingKey {
                case steps
                case resetWords = "reset_words", initialObservation = "initial_obs", rampIndex = "ramp_index"
            }
        }
        struct Step: Decodable {
            var action: Int, executedAction: Int, reward: Int, terminal: Bool, words: Int, observation: [Int]

            enum CodingKeys: String, CodingKey {
                case action = "a", executedAction = "ea", reward = "r", terminal = "t", words = "w", observation = "o"
            }
        }
        struct GeneratorDigest: Decodable {
            var pos: Int
            var keySHA256: String
            enum CodingKeys: String, CodingKey {
                case pos
                case keySHA256 = "key_sha256"
            }
        }
        var game: String
        var seed: UInt32
        var stickyActionProbability: Double
        var difficultyRamping: Bool
        var channelCount: Int
        var episodes: [Episode]
        var finalGenerator: GeneratorDigest

        enum CodingKeys: String, CodingKey {
            case game, seed, episodes
            case stickyActionProbability = "sticky_action_prob", difficultyRamping = "difficulty_ramping"
            case channelCount = "n_channels", finalGenerator = "final_mt"
        }
    }

    static var folder: URL { Fixtures.directory.appendingPathComponent("minatar") }

    static var traceFiles: [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".jsonl.gz") }.sorted().map { folder.appendingPathComponent($0) }
    }

    /// The flat indices of the set cells, as the traces record observations.
    static func setCells(_ observation: [Float]) -> [Int] {
        observation.indices.filter { observation[$0] != 0 }
    }

    @Test func everyGameHasTraces() {
        let names = Self.traceFiles.map(\.lastPathComponent)
        for game in ["asterix", "breakout", "freeway", "seaquest", "space_invaders"] {
            #expect(names.contains("\(game).jsonl.gz"), "no trace file for \(game) in \(Self.folder.path)")
        }
    }

    /// The digest that checks the generator's final key (`final_mt.key_sha256`), on FIPS 180-4 test vectors.
    @Test func keyDigestIsSHA256() {
        #expect(SHA256.hexDigest(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hexDigest([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let twoBlocks = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(SHA256.hexDigest(twoBlocks) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test("every trace file replays exactly", arguments: traceFiles)
    func replay(file: URL) throws {
        let runs = try GzipFile(file).decodeLines(Run.self)
        #expect(!runs.isEmpty, "no runs in \(file.lastPathComponent)")
        var steps = 0
        for run in runs {
            switch run.game {
            case Asterix.referenceName: steps += Self.replay(run, Asterix.self)
            case Breakout.referenceName: steps += Self.replay(run, Breakout.self)
            case Freeway.referenceName: steps += Self.replay(run, Freeway.self)
            case Seaquest.referenceName: steps += Self.replay(run, Seaquest.self)
            case SpaceInvaders.referenceName: steps += Self.replay(run, SpaceInvaders.self)
            default: Issue.record("\(file.lastPathComponent): unknown game \(run.game)")
            }
        }
        print("MinAtar conformance: \(file.lastPathComponent): \(runs.count) runs, \(steps) steps replayed")
    }

    /// Replays one run free-running; records the first difference and returns the number of steps that matched.
    static func replay<Game: MinAtarGame>(_ run: Run, _ game: Game.Type) -> Int {
        var environment = MinAtarEnvironment<Game>(
            stickyActionProbability: run.stickyActionProbability, difficultyRamping: run.difficultyRamping)
        environment.seed(run.seed)
        var unused = RandomGenerator(seed: 0)  // already seeded: resets continue the game's own stream
        var matched = 0
        #expect(run.channelCount == Game.channelCount, "\(run.game): \(run.channelCount) channels recorded")
        for (episodeIndex, episode) in run.episodes.enumerated() {
            let place = "\(run.game) seed \(run.seed) episode \(episodeIndex)"
            var words = environment.random.wordsConsumed
            let initial = environment.reset(using: &unused)
            if environment.random.wordsConsumed - words != episode.resetWords {
                Issue.record("\(place) reset: \(environment.random.wordsConsumed - words) words drawn, recorded \(episode.resetWords)")
                return matched
            }
            if setCells(initial) != episode.initialObservation {
                Issue.record("\(place) reset: observation \(setCells(initial)) != \(episode.initialObservation)")
                return matched
            }
            for (stepIndex, record) in episode.steps.enumerated() {
                words = environment.random.wordsConsumed
                let (observation, outcome) = environment.step(record.action)
                let drawn = environment.random.wordsConsumed - words
                var problems: [String] = []
                if environment.lastAction != record.executedAction {
                    problems.append("executed action \(environment.lastAction) != \(record.executedAction)")
                }
                if outcome.reward != Double(record.reward) { problems.append("reward \(outcome.reward) != \(record.reward)") }
                if outcome.terminated != record.terminal { problems.append("terminal \(outcome.terminated) != \(record.terminal)") }
                if outcome.truncated { problems.append("truncated without a time limit") }
                if drawn != record.words { problems.append("\(drawn) words drawn, recorded \(record.words)") }
                if setCells(observation) != record.observation { problems.append("observation \(setCells(observation)) != \(record.observation)") }
                if !problems.isEmpty {
                    Issue.record("\(place) step \(stepIndex + 1) (action \(record.action)): \(problems.joined(separator: "; "))")
                    return matched
                }
                matched += 1
            }
            if let ramp = episode.rampIndex, environment.game.rampIndex != ramp {
                Issue.record("\(place) end: ramp index \(String(describing: environment.game.rampIndex)) != \(ramp)")
            }
        }
        let generator = environment.random
        #expect(generator.position == run.finalGenerator.pos, "\(run.game) seed \(run.seed): final generator position")
        let keyBytes = generator.keyWords.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (8 * UInt32($0))) } }
        #expect(SHA256.hexDigest(keyBytes) == run.finalGenerator.keySHA256, "\(run.game) seed \(run.seed): final generator key")
        return matched
    }

    // MARK: - Scenarios

    /// A JSON value of a scenario's state: a whole number, a flag or a list.
    enum Value: Decodable {
        case integer(Int), flag(Bool), list([Value])

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let flag = try? container.decode(Bool.self) {
                self = .flag(flag)
            } else if let integer = try? container.decode(Int.self) {
                self = .integer(integer)
            } else {
                self = .list(try container.decode([Value].self))
            }
        }

        var int: Int {
            switch self {
            case .integer(let value): return value
            case .flag(let value): return value ? 1 : 0
            case .list: return Int.min
            }
        }
        var bool: Bool { int != 0 }
        var list: [Value] {
            if case .list(let values) = self { return values }
            return []
        }
    }

    /// One hand-built step from `scenarios.json`.
    struct Scenario: Decodable, CustomTestStringConvertible {
        var name: String
        var game: String
        var seed: UInt32
        var stickyActionProbability: Double
        var before: [String: Value]
        var action: Int
        var reward: Int
        var terminal: Bool
        var observation: [Int]
        var after: [String: Value]

        enum CodingKeys: String, CodingKey {
            case name, game, seed, action, reward, terminal
            case stickyActionProbability = "sticky_action_prob", before = "state_before", observation = "obs", after = "state_after"
        }

        var testDescription: String { name }
    }

    static var scenarios: [Scenario] {
        let url = folder.appendingPathComponent("scenarios.json")
        guard let data = try? Data(contentsOf: url), let scenarios = try? JSONDecoder().decode([Scenario].self, from: data) else { return [] }
        return scenarios
    }

    @Test func scenariosAreFound() {
        #expect(Self.scenarios.count >= 4)
    }

    @Test("every scenario step matches", arguments: scenarios)
    func scenario(_ scenario: Scenario) {
        switch scenario.game {
        case Seaquest.referenceName: Self.check(scenario, before: Self.seaquest(scenario.before), after: Self.seaquest(scenario.after))
        case SpaceInvaders.referenceName:
            Self.check(scenario, before: Self.spaceInvaders(scenario.before), after: Self.spaceInvaders(scenario.after))
        default:
            let keys = scenario.before.keys.sorted().joined(separator: ", ")
            Issue.record("\(scenario.name): no scenario reader for \(scenario.game) states (keys \(keys)); add one to MinAtarConformanceTests")
        }
    }

    static func check<Game: MinAtarGame>(_ scenario: Scenario, before: Game, after: Game) {
        var environment = MinAtarEnvironment<Game>(stickyActionProbability: scenario.stickyActionProbability)
        environment.seed(scenario.seed)
        environment.game = before
        let (reward, terminal) = environment.act(scenario.action)
        #expect(reward == scenario.reward, "\(scenario.name): reward")
        #expect(terminal == scenario.terminal, "\(scenario.name): terminal")
        #expect(setCells(environment.observation()) == scenario.observation, "\(scenario.name): observation")
        #expect(environment.game == after, "\(scenario.name): state after the step")
    }

    static func seaquest(_ state: [String: Value]) -> Seaquest {
        func entities(_ key: String) -> [Seaquest.Entity] {
            (state[key]?.list ?? []).map { entity in
                let fields = entity.list.map(\.int) + [0, 0]
                return Seaquest.Entity(x: fields[0], y: fields[1], movesRight: fields[2] != 0, moveTimer: fields[3], shotTimer: fields[4])
            }
        }
        var game = Seaquest()
        game.oxygen = state["oxygen"]!.int
        game.diversHeld = state["divers_held"]!.int
        game.x = state["x"]!.int
        game.y = state["y"]!.int
        game.facingRight = state["right"]!.bool
        game.friendlyBullets = entities("fb")
        game.enemyBullets = entities("eb")
        game.fish = entities("fish")
        game.subs = entities("subs")
        game.divers = entities("divers")
        game.enemySpawnSpeed = state["e_spawn_speed"]!.int
        game.enemySpawnTimer = state["e_spawn_timer"]!.int
        game.diverSpawnTimer = state["d_spawn_timer"]!.int
        game.moveSpeed = state["move_speed"]!.int
        game.rampLevel = state["ramp_index"]!.int
        game.shotTimer = state["shot_timer"]!.int
        game.surface = state["surface"]!.bool
        game.isTerminal = state["terminal"]!.bool
        return game
    }

    static func spaceInvaders(_ state: [String: Value]) -> SpaceInvaders {
        func grid(_ key: String) -> MinAtarGrid {
            var grid = MinAtarGrid()
            for (row, cells) in (state[key]?.list ?? []).enumerated() {
                for (column, cell) in cells.list.enumerated() { grid[row, column] = cell.bool }
            }
            return grid
        }
        var game = SpaceInvaders()
        game.cannon = state["pos"]!.int
        game.friendlyBullets = grid("fb")
        game.enemyBullets = grid("eb")
        game.aliens = grid("aliens")
        game.alienDirection = state["alien_dir"]!.int
        game.moveInterval = state["move_interval"]!.int
        game.alienMoveTimer = state["alien_move_timer"]!.int
        game.alienShotTimer = state["alien_shot_timer"]!.int
        game.rampLevel = state["ramp_index"]!.int
        game.shotTimer = state["shot_timer"]!.int
        game.isTerminal = state["terminal"]!.bool
        return game
    }
}
