import Environments
import Randomness
import TestSupport
import Testing

/// The gridworld's observation modes: goal hidden, egocentric window, previous action and reward.
@Suite struct GridObservationTests {
    let right = 3
    let map = "#####\n#A.G#\n#.K.#\n#####"

    @Test func noGoalDropsTheGoalPlaneAndKeepsTheRest() {
        var full = Gridworld.fromText(map)
        var hidden = Gridworld.fromText(map, observation: GridObservation(planes: .noGoal))
        let cells = 20
        let seen = full.reset(seed: 0), unseen = hidden.reset(seed: 0)
        #expect(unseen.count == 5 * cells + 1 && hidden.observationSpace.size == unseen.count)
        // the same planes without the goal's: wall, then lava, key, door, agent, then the key flag
        #expect(Array(unseen[0..<cells]) == Array(seen[0..<cells]))
        #expect(Array(unseen[cells...]) == Array(seen[(2 * cells)...]))
        #expect(seen[cells + 3 + 5] == 1, "the full observation shows the goal at (3, 1)")
    }

    @Test func theEgocentricWindowIsCentredOnTheAgentAndUnrotated() {
        var world = Gridworld.fromText(map, observation: GridObservation(view: 3))
        let first = world.reset(seed: 0)
        #expect(first.count == 5 * 9 + 1)
        func plane(_ obs: [Float], _ index: Int) -> [Float] { Array(obs[(index * 9)..<((index + 1) * 9)]) }
        // at (1, 1): the top row and left column are walls; the key is below-right
        #expect(plane(first, 0) == [1, 1, 1, 1, 0, 0, 1, 0, 0])
        #expect(plane(first, 1) == [0, 0, 0, 0, 0, 0, 0, 0, 0], "the goal is out of sight")
        #expect(plane(first, 3) == [0, 0, 0, 0, 0, 0, 0, 0, 1])
        let (next, _) = world.step(right)
        #expect(plane(next, 0) == [1, 1, 1, 0, 0, 0, 0, 0, 0])
        #expect(plane(next, 1) == [0, 0, 0, 0, 0, 1, 0, 0, 0], "the goal is right of the agent")
        #expect(plane(next, 3) == [0, 0, 0, 0, 0, 0, 0, 1, 0], "the key is below the agent")
    }

    @Test func cellsOffTheMapReadAsWalls() {
        var world = Gridworld.fromText("A.G", observation: GridObservation(view: 5))
        let obs = world.reset(seed: 0)
        let walls = Array(obs[0..<25])
        #expect(walls.filter { $0 == 1 }.count == 25 - 3, "only the row's three cells are on the map")
        #expect(walls[10] == 1 && walls[12] == 0 && walls[13] == 0 && walls[14] == 0)
    }

    @Test func previousActionAndRewardFollowTheSteps() {
        var world = Gridworld.fromText(
            map, observation: GridObservation(planes: .noGoal, previousAction: true, previousReward: true), maxEpisodeSteps: 10)
        let start = world.reset(seed: 0)
        #expect(start.count == 5 * 20 + 1 + 4 + 1)
        #expect(Array(start.suffix(5)) == [0, 0, 0, 0, 0], "nothing before the first step")
        let (moved, _) = world.step(right)
        #expect(Array(moved.suffix(5)) == [0, 0, 0, 1, 0])
        let (atGoal, outcome) = world.step(right)
        #expect(outcome.terminated && outcome.reward > 0)
        #expect(Array(atGoal.suffix(5)) == [0, 0, 0, 1, Float(outcome.reward)])
        #expect(world.state.count == 5 && world.state[3] == 3 && world.state[4] == outcome.reward)
        var copy = Gridworld.fromText(
            map, observation: GridObservation(planes: .noGoal, previousAction: true, previousReward: true), maxEpisodeSteps: 10)
        _ = copy.reset(seed: 0)
        copy.state = world.state
        var restored = [Float](repeating: 0, count: atGoal.count)
        restored.withUnsafeMutableBufferPointer { copy.observe(into: $0) }
        #expect(restored == atGoal, "the state carries what the observation shows")
        #expect(copy.stateProblem([5, 0, 2, 7, 0]) != nil, "a previous action outside −1…3 is refused")
    }
}
