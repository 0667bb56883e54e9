import Environments
import Randomness
import TestSupport
import Testing

@Suite struct GridworldTests {
    let up = 0, down = 1, left = 2, right = 3

    func channel(_ obs: [Float], _ c: Gridworld.Channel, _ world: Gridworld) -> [Float] {
        let n = world.map.width * world.map.height
        return Array(obs[(c.rawValue * n)..<((c.rawValue + 1) * n)])
    }

    @Test func wallsBlockAndObservationEncodesEveryChannel() {
        var world = Gridworld.fromText("#####\n#A.G#\n#####")
        let obs = world.reset(seed: 0)
        #expect(obs.count == 6 * 15 + 1)
        #expect(channel(obs, .wall, world).filter { $0 == 1 }.count == 12)
        #expect(channel(obs, .goal, world)[world.map.index(column: 3, row: 1)] == 1)
        #expect(channel(obs, .agent, world)[world.map.index(column: 1, row: 1)] == 1)
        #expect(channel(obs, .agent, world).reduce(0, +) == 1)
        let (next, outcome) = world.step(up)  // into the wall: no move, no reward
        #expect(next == obs)
        #expect(outcome == StepOutcome(reward: 0, terminated: false, truncated: false))
        _ = world.step(left)
        #expect(world.agent == world.map.index(column: 1, row: 1))
    }

    @Test func goalRewardFollowsMiniGrid() {
        var world = Gridworld.fromText("#####\n#A.G#\n#####", maxEpisodeSteps: 10)
        _ = world.reset(seed: 0)
        _ = world.step(right)
        let (_, outcome) = world.step(right)
        #expect(outcome.terminated && !outcome.truncated)
        let expected: Double = 1 - 0.9 * 2.0 / 10.0
        #expect(outcome.reward == expected)
        #expect(world.goalReached)
    }

    @Test func lavaEndsTheEpisodeWithZero() {
        var world = Gridworld.fromText("######\n#ALG.#\n#....#\n######")
        _ = world.reset(seed: 0)
        let (_, outcome) = world.step(right)
        #expect(outcome.terminated && outcome.reward == 0 && !world.goalReached)
    }

    @Test func keyOpensTheDoor() {
        var world = Gridworld.fromText("########\n#K.AD.G#\n########")
        let start = world.reset(seed: 0)
        #expect(start.last == 0)
        _ = world.step(right)  // the door blocks without the key
        #expect(world.agent == world.map.index(column: 3, row: 1))
        _ = world.step(left)
        let (withKey, _) = world.step(left)  // pick up the key
        #expect(world.hasKey && withKey.last == 1)
        #expect(channel(withKey, .key, world).allSatisfy { $0 == 0 })
        for _ in 0..<3 { _ = world.step(right) }  // back, through the door
        #expect(world.agent == world.map.index(column: 4, row: 1))
        let (_, outcome) = world.step(right)
        #expect(!outcome.terminated)
        #expect(world.step(right).outcome.terminated)
    }

    @Test func truncatesAtTheStepLimit() {
        var world = Gridworld.fromText("#####\n#A.G#\n#####", maxEpisodeSteps: 3)
        _ = world.reset(seed: 0)
        #expect(!world.step(up).outcome.truncated)
        #expect(!world.step(up).outcome.truncated)
        let last = world.step(up).outcome
        #expect(last.truncated && !last.terminated)
    }

    @Test func aTaskCanChooseOneOfSeveralGoals() {
        let map = try! GridMap.parse("#######\n#G.A.G#\n#######", name: "two")
        #expect(map.goals.count == 2)
        var leftOnly = Gridworld(map: map, goal: map.goals[0])
        _ = leftOnly.reset(seed: 0)
        _ = leftOnly.step(right)
        #expect(!leftOnly.step(right).outcome.terminated)  // the other G is floor for this task
        var both = Gridworld(map: map)
        _ = both.reset(seed: 0)
        _ = both.step(right)
        #expect(both.step(right).outcome.terminated)
    }

    @Test func stateRoundTripsAndSceneShowsTheAgent() {
        var world = Gridworld.fromText("#####\n#A.G#\n#####")
        _ = world.reset(seed: 0)
        _ = world.step(right)
        let saved = world.state
        var other = Gridworld.fromText("#####\n#A.G#\n#####")
        other.state = saved
        #expect(other.observation() == world.observation())
        let agentColor = Gridworld.colors[.agent]!
        let circles = world.scene().shapes.compactMap { shape -> Scene.Point? in
            if case .circle(let center, _, let color) = shape, color == agentColor { return center }
            return nil
        }
        #expect(circles == [Scene.Point(2.5, 1.5)])
    }
}

@Suite struct GridMapTests {
    func problem(_ text: String) -> ChorusError? {
        do { _ = try GridMap.parse(text, name: "bad", file: "bad.txt"); return nil } catch { return error }
    }

    @Test func raggedRowNamesLine() {
        let e = problem("#####\n#A.G#\n####")
        #expect(e?.file == "bad.txt" && e?.line == 3)
        #expect(e?.problem.contains("ragged") == true)
    }

    @Test func unknownCharacterNamesLineAndColumn() {
        let e = problem("#####\n#A?G#\n#####")
        #expect(e?.line == 2 && e?.column == 3)
        #expect(e?.description.hasPrefix("bad.txt:2:3: unknown character '?'") == true)
    }

    @Test func missingOrRepeatedStartAndGoal() {
        #expect(problem("#####\n#..G#\n#####")?.problem.contains("no start") == true)
        #expect(problem("#####\n#A.A#\n#G..#\n#####")?.problem.contains("second start") == true)
        #expect(problem("#####\n#A..#\n#####")?.problem.contains("no goal") == true)
        #expect(problem("")?.problem.contains("empty") == true)
    }

    @Test func unreachableGoals() {
        #expect(problem("#####\n#A#G#\n#####")?.problem.contains("cannot be reached") == true)
        #expect(problem("######\n#A.DG#\n######")?.problem.contains("cannot be reached") == true)  // door, no key
        #expect(problem("######\n#ALG.#\n######")?.problem.contains("cannot be reached") == true)  // lava
        #expect(problem("#######\n#A.DKG#\n#######")?.problem.contains("cannot be reached") == true)  // key behind the door
        #expect(problem("######\n#KADG#\n######") == nil)
    }

    @Test func everyShippedMapIsValid() throws {
        let catalogue = Catalogue.repository
        #expect(catalogue.mapNames.count >= 5)
        for name in catalogue.mapNames {
            _ = try GridMap.load(contentsOf: catalogue.mapsDirectory.appendingPathComponent("\(name).txt"))
        }
        let maze = try GridMap.load(contentsOf: catalogue.mapsDirectory.appendingPathComponent("maze.txt"))
        #expect(maze.goals.count >= 4)
    }
}
