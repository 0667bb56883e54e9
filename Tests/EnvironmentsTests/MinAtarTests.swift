import Environments
import Randomness
import TestSupport
import Testing

/// The MinAtar wrapper beyond the traces: ids and spaces, action sets, sticky actions, seeding through the
/// `Environment` protocol, saved states, batches and scenes.
@Suite struct MinAtarTests {
    static let ids = MinAtar.registry.map(\.id)

    @Test func registryHasTenIds() {
        #expect(Self.ids.count == 10)
        #expect(Self.ids.contains("MinAtar/SpaceInvaders-v1"))
    }

    @Test("ids, observation and action spaces", arguments: ids)
    func spaces(id: String) throws {
        let made = try #require(MinAtar.make(id: id))
        let environment = made.environment
        #expect(environment.id == id)
        let channels = ["Asterix": 4, "Breakout": 4, "Freeway": 7, "Seaquest": 10, "SpaceInvaders": 6]
        let name = String(id.dropFirst("MinAtar/".count).dropLast(3))
        let channelCount = try #require(channels[name])
        #expect(environment.observationSpace.shape == [10, 10, channelCount])
        #expect(environment.observationSpace.low.allSatisfy { $0 == 0 } && environment.observationSpace.high.allSatisfy { $0 == 1 })
        let minimal = ["Asterix": 5, "Breakout": 3, "Freeway": 3, "Seaquest": 6, "SpaceInvaders": 4]
        #expect(environment.actionSpace == .discrete(id.hasSuffix("-v1") ? minimal[name]! : 6))
        #expect(environment.maxEpisodeSteps == .max)
    }

    @Test func actionNamesFollowTheActionSet() throws {
        let full = try #require(MinAtar.make(id: "MinAtar/Breakout-v0")).environment.actionNames
        #expect(full == ["noop", "left", "up", "right", "down", "fire"])
        #expect(try #require(MinAtar.make(id: "MinAtar/Breakout-v1")).environment.actionNames == ["noop", "left", "right"])
        #expect(try #require(MinAtar.make(id: "MinAtar/Freeway-v1")).environment.actionNames == ["noop", "up", "down"])
        #expect(try #require(MinAtar.make(id: "MinAtar/SpaceInvaders-v1")).environment.actionNames == ["noop", "left", "right", "fire"])
    }

    @Test func everyRegisteredEnvironmentNamesEachAction() {
        for member in EnvironmentRegistry.members {
            let environment = member.standard().environment
            let expected: Int
            switch environment.actionSpace {
            case .discrete(let n): expected = n
            case .box(let box): expected = box.size
            }
            #expect(environment.actionNames.count == expected, "\(member.id)")
            #expect(Set(environment.actionNames).count == expected && environment.actionNames.allSatisfy { !$0.isEmpty }, "\(member.id)")
        }
    }

    @Test func unknownIdsAreRefused() {
        for id in ["MinAtar/Pong-v0", "MinAtar/Breakout-v2", "Breakout-v0", "MinAtar/Breakout", "MinAtar/-v0"] {
            #expect(MinAtar.make(id: id) == nil, "\(id)")
        }
    }

    @Test func minimalActionSetsMapToTheFullSet() {
        checkMinimalActions(Asterix.self, [0, 1, 2, 3, 4])
        checkMinimalActions(Breakout.self, [0, 1, 3])
        checkMinimalActions(Freeway.self, [0, 2, 4])
        checkMinimalActions(Seaquest.self, [0, 1, 2, 3, 4, 5])
        checkMinimalActions(SpaceInvaders.self, [0, 1, 3, 5])
    }

    func checkMinimalActions<Game: MinAtarGame>(_ game: Game.Type, _ expected: [Int]) {
        #expect(Game.minimalActions == expected)
        var minimal = MinAtarEnvironment<Game>(minimalActionSet: true, stickyActionProbability: 0)
        var full = MinAtarEnvironment<Game>(minimalActionSet: false, stickyActionProbability: 0)
        minimal.seed(3)
        full.seed(3)
        minimal.reset()
        full.reset()
        for index in expected.indices {
            let fromMinimal = minimal.step(index)
            let fromFull = full.step(expected[index])
            #expect(minimal.lastAction == expected[index], "\(Game.name)-v1 action \(index)")
            #expect(full.lastAction == expected[index], "\(Game.name)-v0 action \(expected[index])")
            #expect(fromMinimal.observation == fromFull.observation && fromMinimal.outcome == fromFull.outcome)
        }
    }

    /// Breakout draws nothing per step but the sticky `rand()`, so a copy of its generator predicts every sticky choice.
    @Test(arguments: [0.0, 0.1, 0.5, 1.0])
    func stickyActions(probability: Double) {
        var environment = MinAtarEnvironment<Breakout>(stickyActionProbability: probability)
        environment.seed(11)
        environment.reset()
        environment.lastAction = 3
        var mirror = environment.random
        var choices = RandomGenerator(seed: 5)
        var repeated = 0
        for _ in 0..<2000 {
            let previous = environment.lastAction
            let chosen = choices.integer(below: 6)
            let sticky = mirror.rand() < probability
            let words = environment.random.wordsConsumed
            _ = environment.step(chosen)
            #expect(environment.random.wordsConsumed - words == 2, "the sticky draw is made every step, also after the end")
            #expect(environment.lastAction == (sticky ? previous : chosen))
            if sticky { repeated += 1 }
        }
        #expect(environment.random == mirror)
        switch probability {
        case 0: #expect(repeated == 0)
        case 1: #expect(repeated == 2000)
        default: #expect(abs(Double(repeated) / 2000 - probability) < 0.05)
        }
    }

    @Test func lastActionSurvivesReset() {
        var environment = MinAtarEnvironment<Asterix>(stickyActionProbability: 0)
        environment.seed(1)
        environment.reset()
        _ = environment.step(4)
        environment.reset()
        #expect(environment.lastAction == 4)
    }

    @Test func firstResetSeedsFromTheCallersGeneratorAndLaterResetsDoNot() {
        var first = MinAtarEnvironment<Freeway>(), second = MinAtarEnvironment<Freeway>()
        var rng = RandomGenerator(seed: 21), same = RandomGenerator(seed: 21)
        #expect(!first.isSeeded)
        #expect(first.reset(using: &rng) == second.reset(using: &same))
        #expect(first.isSeeded)
        #expect(rng == same)
        var expectedSeed = RandomGenerator(seed: 21)
        var reference = MinAtarEnvironment<Freeway>()
        reference.seed(UInt32(truncatingIfNeeded: expectedSeed.next() >> 32))
        reference.reset()
        #expect(reference.observation() == first.observation())
        let before = rng
        _ = first.reset(using: &rng)
        #expect(rng == before, "a later reset continues the game's own stream")
        reference.reset()
        #expect(reference.observation() == first.observation())
        var other = RandomGenerator(seed: 22)
        var third = MinAtarEnvironment<Freeway>()
        #expect(third.reset(using: &other) != second.observation())
    }

    @Test func freewayEndsAfter2501StepsAndTimeLimitsTruncate() throws {
        var environment = MinAtarEnvironment<Freeway>()
        _ = environment.reset(seed: 4)
        var steps = 0
        while true {
            steps += 1
            let outcome = environment.step(2).outcome
            #expect(!outcome.truncated)
            if outcome.terminated { break }
        }
        #expect(steps == 2501)
        guard var limited = try #require(MinAtar.make(id: "MinAtar/Freeway-v1", maxSteps: 5)).environment as? MinAtarEnvironment<Freeway> else {
            Issue.record("MinAtar/Freeway-v1 is not Freeway")
            return
        }
        _ = limited.reset(seed: 4)
        for step in 1...5 {
            let outcome = limited.step(1).outcome
            #expect(outcome.truncated == (step == 5))
            #expect(!outcome.terminated)
        }
    }

    @Test("a saved state continues identically", arguments: ids.filter { $0.hasSuffix("-v0") })
    func stateRoundTrip(id: String) throws {
        var environment = try #require(MinAtar.make(id: id)).environment
        var actions = RandomGenerator(seed: 8)
        _ = environment.reset(seed: 2)
        let length = environment.state.count
        for _ in 0..<777 {
            if environment.step(actions.integer(below: 6)).outcome.done { _ = environment.reset(seed: 0) }
            #expect(environment.state.count == length, "\(id): the state has a fixed length")
        }
        let saved = environment.state
        #expect(environment.stateProblem(saved) == nil)
        var restored = try #require(MinAtar.make(id: id)).environment
        restored.state = saved
        restored.elapsedSteps = environment.elapsedSteps
        #expect(restored.state == saved)
        #expect(restored.observation() == environment.observation())
        for step in 0..<3000 {
            let action = actions.integer(below: 6)
            let original = environment.step(action), copy = restored.step(action)
            guard original.observation == copy.observation, original.outcome == copy.outcome else {
                Issue.record("\(id): restored copy differs at step \(step)")
                return
            }
            if original.outcome.done {
                var unused = RandomGenerator(seed: 99)
                #expect(environment.reset(using: &unused) == restored.reset(using: &unused))
            }
        }
        #expect(restored.state == environment.state)
    }

    @Test func badStatesAreNamed() throws {
        let environment = try #require(MinAtar.make(id: "MinAtar/Seaquest-v0")).environment
        var state = environment.state
        #expect(environment.stateProblem(state) == nil)
        #expect(environment.stateProblem(Array(state.dropLast())) != nil)
        state[1] = 6
        #expect(environment.stateProblem(state)?.contains("last action") == true)
        state[1] = 0
        state[2] = 0.5
        #expect(environment.stateProblem(state)?.contains("generator position") == true)
        state[2] = 624
        state[3] = -1
        #expect(environment.stateProblem(state)?.contains("generator word 0") == true)
        state[3] = 0
        state[MinAtarEnvironment<Seaquest>.headerCount] = .nan
        #expect(environment.stateProblem(state)?.contains("oxygen") == true)
    }

    @Test func batchesStepAndRestoreSnapshots() throws {
        for id in Self.ids {
            let made = try #require(MinAtar.make(id: id))
            let batch = made.makeBatch(count: 3, seed: 7)
            var rng = RandomGenerator(seed: 1)
            batch.stepRandomly(steps: 400, using: &rng)
            let snapshot = batch.snapshot()
            let copy = made.makeBatch(count: 3, seed: 123)
            try copy.restore(snapshot)
            #expect(copy.observations == batch.observations, "\(id): restored observations")
            var rngCopy = rng
            batch.stepRandomly(steps: 300, using: &rng)
            copy.stepRandomly(steps: 300, using: &rngCopy)
            #expect(copy.observations == batch.observations, "\(id): restored batch continues identically")
            #expect(copy.snapshot() == batch.snapshot())
        }
    }

    @Test func randomPlayCountsEpisodes() throws {
        var rng = RandomGenerator(seed: 5)
        #expect(try #require(MinAtar.make(id: "MinAtar/Freeway-v1")).stepRandomly(steps: 5002, using: &rng) == 2)
        let breakoutEpisodes = try #require(MinAtar.make(id: "MinAtar/Breakout-v0")).stepRandomly(steps: 20_000, using: &rng)
        #expect(breakoutEpisodes > 1000 && breakoutEpisodes < 3000, "random Breakout episodes last about 11.5 steps")
    }

    @Test func sceneColoursCellsByTheirHighestChannel() {
        var environment = MinAtarEnvironment<Breakout>(stickyActionProbability: 0)
        environment.seed(0)
        environment.reset()
        var scene = environment.scene()
        #expect(scene.yDown)
        #expect(scene.bounds == Scene.Rect(x: 0, y: 0, width: 10, height: 10))
        // The ball starts inside the wall: the brick (the highest channel) hides it and its trail.
        let brick = Color(0xc1, 0xca, 0xf3)
        #expect(scene.shapes.contains(.rectangle(Scene.Rect(x: Double(environment.game.ballX), y: 3, width: 1, height: 1), brick)))
        // The paddle's colour is dark: it gets a light rim so that it shows on black.
        let paddle = Color(0x16, 0x3d, 0x4e)
        #expect(scene.shapes.contains(.rectangle(Scene.Rect(x: 4, y: 9, width: 1, height: 1), Color(170, 170, 170))))
        #expect(scene.shapes.contains { if case .rectangle(let rect, paddle) = $0 { return rect.x > 4 && rect.y > 9 } else { return false } })
        #expect(scene.shapes.count == 30 + 2)
        _ = environment.step(0)
        scene = environment.scene()
        let ball = Scene.Rect(x: Double(environment.game.ballX), y: 4, width: 1, height: 1)
        #expect(scene.shapes.contains(.rectangle(ball, Color(0x54, 0x79, 0x2f))))
        #expect(scene.shapes.count == 30 + 1 + 2)
    }
}
