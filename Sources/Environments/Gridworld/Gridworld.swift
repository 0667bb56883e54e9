import Randomness

/// A fully observed gridworld on a text map, with MiniGrid's reward.
///
/// Actions: 0 up, 1 down, 2 left, 3 right. Walls (and doors, until the key is held) block a move;
/// stepping on the key picks it up; reaching a goal terminates with reward `1 − 0.9·steps/maxSteps`;
/// stepping into lava terminates with reward 0. The observation is one-hot channels per cell —
/// wall, goal, lava, key, door, agent, each `width·height` long, channel-major — plus a has-key flag.
public struct Gridworld: Environment {
    /// The observation channels, in order.
    public enum Channel: Int, CaseIterable, Sendable {
        case wall, goal, lava, key, door, agent
    }

    public let map: GridMap
    /// The goal cells of this task (the map's goals, or the one the task chose).
    public let goalCells: [Int]
    /// The start cell of this task.
    public let startCell: Int
    public var maxEpisodeSteps: Int

    public private(set) var agent: Int
    public private(set) var hasKey = false
    public private(set) var goalReached = false
    public var elapsedSteps = 0
    /// The observation of the start state, without the agent: copied before the moving parts are written.
    private let baseObservation: [Float]
    private let cellCount: Int
    private let keyCells: [Int]

    /// A gridworld on `map`; `goal` and `start` (cell indices) override the map's, `maxEpisodeSteps`
    /// defaults to MiniGrid's `4·width·height`.
    public init(map: GridMap, goal: Int? = nil, start: Int? = nil, maxEpisodeSteps: Int? = nil) {
        self.map = map
        self.goalCells = goal.map { [$0] } ?? map.goals
        self.startCell = start ?? map.start
        self.maxEpisodeSteps = maxEpisodeSteps ?? 4 * map.width * map.height
        self.agent = startCell
        self.cellCount = map.width * map.height
        self.keyCells = map.cells.indices.filter { map.cells[$0] == .key }
        var base = [Float](repeating: 0, count: Channel.allCases.count * map.width * map.height + 1)
        for (i, cell) in map.cells.enumerated() {
            let channel: Channel?
            switch cell {
            case .wall: channel = .wall
            case .lava: channel = .lava
            case .key: channel = .key
            case .door: channel = .door
            case .floor, .goal: channel = nil
            }
            if let channel { base[channel.rawValue * cellCount + i] = 1 }
        }
        for g in goalCells { base[Channel.goal.rawValue * cellCount + g] = 1 }
        self.baseObservation = base
    }

    public var id: String { "Gridworld" }
    public var actionSpace: Space { .discrete(4) }
    public var actionNames: [String] { ["up", "down", "left", "right"] }
    public var observationSpace: Box { Box(low: 0, high: 1, shape: [baseObservation.count]) }

    /// `(agent cell, has key, elapsed steps)`; set only values that `stateProblem` accepts.
    public var state: [Double] {
        get { [Double(agent), hasKey ? 1 : 0, Double(elapsedSteps)] }
        set {
            precondition(stateProblem(newValue) == nil, "invalid gridworld state \(newValue)")
            agent = Int(newValue[0])
            hasKey = newValue[1] != 0
            elapsedSteps = Int(newValue[2])
        }
    }

    /// The agent on a cell it can stand on (not a wall, not a door without the key), the key flag 0 or 1,
    /// and the elapsed steps a whole number within the time limit.
    public func stateProblem(_ state: [Double]) -> String? {
        guard state.count == 3 else { return "\(state.count) state values where a gridworld has 3" }
        guard let cell = Int(exactly: state[0]), map.cells.indices.contains(cell) else {
            return "agent cell \(state[0]) is not a cell of the \(map.width)×\(map.height) map '\(map.name)'"
        }
        guard state[1] == 0 || state[1] == 1 else { return "has-key flag \(state[1]) is not 0 or 1" }
        if map.cells[cell] == .wall || (map.cells[cell] == .door && state[1] == 0) {
            return "agent cell \(cell) of map '\(map.name)' is a wall or a closed door"
        }
        guard let elapsed = Int(exactly: state[2]), (0...maxEpisodeSteps).contains(elapsed) else {
            return "elapsed steps \(state[2]) are not a whole number in 0...\(maxEpisodeSteps)"
        }
        return nil
    }

    public mutating func reset(using rng: inout RandomGenerator, observation: UnsafeMutableBufferPointer<Float>) {
        agent = startCell
        hasKey = false
        goalReached = false
        elapsedSteps = 0
        observe(into: observation)
    }

    public mutating func step(_ action: Action, observation: UnsafeMutableBufferPointer<Float>) -> StepOutcome {
        let (column, row) = map.position(of: agent)
        var c = column, r = row
        switch action.index {
        case 0: r -= 1
        case 1: r += 1
        case 2: c -= 1
        case 3: c += 1
        default: break
        }
        var reward = 0.0
        var terminated = false
        if c >= 0, c < map.width, r >= 0, r < map.height {
            let target = map.index(column: c, row: r)
            switch map.cells[target] {
            case .wall: break
            case .door where !hasKey: break
            default: agent = target
            }
        }
        elapsedSteps += 1
        switch map.cells[agent] {
        case .key: hasKey = true
        case .lava: terminated = true
        default: break
        }
        if goalCells.contains(agent) {
            terminated = true
            goalReached = true
            reward = 1 - 0.9 * Double(elapsedSteps) / Double(maxEpisodeSteps)
        }
        observe(into: observation)
        return StepOutcome(reward: reward, terminated: terminated, truncated: elapsedSteps >= maxEpisodeSteps)
    }

    public func observe(into observation: UnsafeMutableBufferPointer<Float>) {
        baseObservation.withUnsafeBufferPointer { base in
            _ = observation.initialize(from: base)
        }
        if hasKey {
            for k in keyCells { observation[Channel.key.rawValue * cellCount + k] = 0 }
            observation[observation.count - 1] = 1
        }
        observation[Channel.agent.rawValue * cellCount + agent] = 1
    }

    /// Colours of the cell kinds, shared with the viewer's legend.
    public static let colors: [Channel: Color] = [
        .wall: Color(100, 100, 100), .goal: Color(40, 180, 80), .lava: Color(230, 100, 20),
        .key: Color(230, 200, 30), .door: Color(140, 90, 40), .agent: Color(220, 40, 40),
    ]

    public func scene() -> Scene {
        var shapes: [Scene.Shape] = []
        for (i, cell) in map.cells.enumerated() {
            let (c, r) = map.position(of: i)
            let rect = Scene.Rect(x: Double(c), y: Double(r), width: 1, height: 1)
            var channel: Channel?
            switch cell {
            case .wall: channel = .wall
            case .lava: channel = .lava
            case .door: channel = .door
            case .key: channel = hasKey ? nil : .key
            case .floor, .goal: channel = nil
            }
            if goalCells.contains(i) { channel = .goal }
            if let channel, let color = Self.colors[channel] {
                if channel == .key {
                    shapes.append(.circle(center: .init(Double(c) + 0.5, Double(r) + 0.5), radius: 0.25, color))
                } else {
                    shapes.append(.rectangle(rect, color))
                }
            }
        }
        let (ac, ar) = map.position(of: agent)
        shapes.append(.circle(center: .init(Double(ac) + 0.5, Double(ar) + 0.5), radius: 0.35, Self.colors[.agent]!))
        if hasKey, let keyColor = Self.colors[.key] {
            shapes.append(.circle(center: .init(Double(ac) + 0.5, Double(ar) + 0.5), radius: 0.12, keyColor))
        }
        return Scene(
            bounds: .init(x: 0, y: 0, width: Double(map.width), height: Double(map.height)),
            yDown: true, background: Color(20, 20, 20), shapes: shapes)
    }
}
