import Environments
import Foundation
import Randomness
import TestSupport
import Testing

/// Start regions: the room of the map's start, and starts drawn from the environment's seeded stream.
@Suite struct GridStartTests {
    func twoRooms() throws -> GridMap {
        try GridMap.load(contentsOf: Catalogue.repository.mapsDirectory.appendingPathComponent("two-rooms.txt"))
    }

    @Test func theStartRoomStopsAtTheDoorway() throws {
        let map = try twoRooms()
        let room = GridStart.room.cells(on: map)
        #expect(room.count == 55, "the left room's 5×11 floor")
        #expect(room.allSatisfy { map.position(of: $0).column <= 5 })
        #expect(map.isDoorway(map.index(column: 6, row: 6)))
        #expect(!map.isDoorway(map.index(column: 3, row: 6)))
    }

    @Test func startsAreDrawnFromTheRoomWithTheEnvironmentsGenerator() throws {
        let map = try twoRooms()
        let room = GridStart.room.cells(on: map)
        func starts(seed: UInt64) -> [Int] {
            var world = Gridworld(map: map, start: room)
            var rng = RandomGenerator(seed: seed)
            return (0..<200).map { _ in
                _ = world.reset(using: &rng)
                return world.agent
            }
        }
        let drawn = starts(seed: 3)
        #expect(drawn.allSatisfy(room.contains))
        #expect(Set(drawn).count > 40, "200 draws reach most of the 55 cells")
        #expect(drawn == starts(seed: 3) && drawn != starts(seed: 4))
        var fixed = Gridworld(map: map)
        var rng = RandomGenerator(seed: 3)
        _ = fixed.reset(using: &rng)
        #expect(rng == RandomGenerator(seed: 3), "a single start cell draws nothing")
    }

    @Test func suiteKeysReadAndSaveTheStartAndTheObservation() throws {
        let suite = TaskSuite.fromText(
            """
            tasks:
              - {name: a, env: Gridworld, map: two-rooms, goal: [10, 9], start: room, observation: no-goal, previous_action: true, solved_return: 0.5}
              - {name: b, env: Gridworld, map: two-rooms, goal: [10, 9], start: [[1, 1], [2, 2]], view: 5, previous_reward: true, solved_return: 0.5}
              - {name: c, env: Gridworld, map: two-rooms, goal: [10, 9], start: [3, 3], solved_return: 0.5}
            """)
        func worlds(_ suite: TaskSuite) throws -> [Gridworld] {
            try suite.tasks.map { try #require($0.prototype.environment as? Gridworld) }
        }
        let built = try worlds(suite)
        #expect(built[0].startCells.count == 55 && built[0].observation == GridObservation(planes: .noGoal, previousAction: true))
        #expect(built[1].startCells == [built[1].map.index(column: 1, row: 1), built[1].map.index(column: 2, row: 2)])
        #expect(built[1].observation == GridObservation(view: 5, previousReward: true))
        #expect(built[2].startCells == [built[2].map.index(column: 3, row: 3)] && built[2].observation == GridObservation())
        let saved = try SuiteDefinition(suite).load(file: "saved")
        func withoutMap(_ suite: TaskSuite) -> [TaskSpec] {
            suite.tasks.map {
                var spec = $0.spec; spec.map = nil; return spec
            }
        }
        #expect(withoutMap(saved) == withoutMap(suite), "the saved suite (with a copy of the map) keeps every key")
        let reloaded = try worlds(saved)
        #expect(reloaded.map(\.startCells) == built.map(\.startCells) && reloaded.map(\.observation) == built.map(\.observation))
    }
}
