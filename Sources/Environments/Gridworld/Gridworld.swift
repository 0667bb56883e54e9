import Randomness

/// A gridworld on a text map, with MiniGrid's reward.
///
/// Actions: 0 up, 1 down, 2 left, 3 right. Walls (and doors, until the key is held) block a move;
/// stepping on the key picks it up; reaching a goal terminates with reward `1 − 0.9·steps/maxSteps`;
/// stepping into lava terminates with reward 0; the time limit truncates. Observation (`GridObservation`):
/// by default one-hot planes per cell — wall, goal, lava, key, door, agent, each `width·height` long,
/// channel-major — plus a has-key flag; a task may hide the goal plane, see an egocentric window
/// instead of the whole map, and observe its previous action and reward. Episodes start on the task's
/// start cell, or on one drawn from its start cells (`GridStart`) with the environment's generator.
public struct Gridworld: Environment {
    /// The observation channels, in order.
    public enum Channel: Int, CaseIterable, Sendable {
        case wall, goal, lava, key, door, agent
    }

    public let map: GridMap
    /// The goal cells of this task (the map's goals, or the one the task chose).
    public let goalCells: [Int]
    /// The cells an episode may start on; one is drawn at each reset when there are several.
    public let startCells: [Int]
    /// What the task observes.
    public let observation: GridObservation
    public var maxEpisodeSteps: Int

    public private(set) var agent: Int
    public private(set) var hasKey = false
    public private(set) var goalReached = false
    /// The previous action (−1 at an episode's start), kept when the task observes it or its reward.
    public private(set) var previousAction = -1
    /// The previous reward (0 at an episode's start).
    public private(set) var previousReward = 0.0
    public var elapsedSteps = 0
    /// The whole-map planes of the start state without the agent: copied before the moving parts are written.
    private let baseObservation: [Float]
    /// Each channel's plane index in the observation, or −1 when the task does not observe it.
    private let planeIndex: [Int]
    /// Cells per plane: the map's, or the window's k².
    private let planeSize: Int
    /// Where the has-key flag sits; the previous action and reward follow it.
    private let flagOffset: Int
    private let keyCells: [Int]

    /// A gridworld on `map`; `goal` and `start` (cell indices) override the map's, `maxEpisodeSteps`
    /// defaults to MiniGrid's `4·width·height`.
    public init(
        map: GridMap, goal: Int? = nil, start: [Int]? = nil, observation: GridObservation = GridObservation(), maxEpisodeSteps: Int? = nil
    ) {
        self.map = map
        self.goalCells = goal.map { [$0] } ?? map.goals
        self.startCells = start ?? [map.start]
        self.observation = observation
        self.maxEpisodeSteps = maxEpisodeSteps ?? 4 * map.width * map.height
        self.agent = startCells[0]
        self.keyCells = map.cells.indices.filter { map.cells[$0] == .key }
        var shown = Channel.allCases
        if observation.planes == .noGoal { shown.removeAll { $0 == .goal } }
        if observation.view != nil { shown.removeAll { $0 == .agent } }
        planeIndex = Channel.allCases.map { shown.firstIndex(of: $0) ?? -1 }
        planeSize = observation.view.map { $0 * $0 } ?? map.width * map.height
        flagOffset = shown.count * planeSize
        var base = [Float](repeating: 0, count: observation.view == nil ? flagOffset : 0)
        if observation.view == nil {
            for (i, cell) in map.cells.enumerated() {
                if let channel = Self.channel(of: cell), planeIndex[channel.rawValue] >= 0 { base[planeIndex[channel.rawValue] * planeSize + i] = 1 }
            }
            if planeIndex[Channel.goal.rawValue] >= 0 { for g in goalCells { base[planeIndex[Channel.goal.rawValue] * planeSize + g] = 1 } }
        }
        self.baseObservation = base
    }

    /// The plane of a map cell's fixed contents (floor and goal cells have none; goals are the task's).
    private static func channel(of cell: GridMap.Cell) -> Channel? {
        switch cell {
        case .wall: return .wall
        case .lava: return .lava
        case .key: return .key
        case .door: return .door
        case .floor, .goal: return nil
        }
    }

    public var id: String { "Gridworld" }
    public var actionSpace: Space { .discrete(4) }
    public var actionNames: [String] { ["up", "down", "left", "right"] }
    public var observationSpace: Box {
        let size = flagOffset + 1 + (observation.previousAction ? 4 : 0) + (observation.previousReward ? 1 : 0)
        return Box(low: 0, high: 1, shape: [size])
    }

    /// `(agent cell, has key, elapsed steps)`, then `(previous action, previous reward)` when the task
    /// observes either; set only values that `stateProblem` accepts.
    public var state: [Double] {
        get {
            let core = [Double(agent), hasKey ? 1 : 0, Double(elapsedSteps)]
            return observation.remembersPrevious ? core + [Double(previousAction), previousReward] : core
        }
        set {
            precondition(stateProblem(newValue) == nil, "invalid gridworld state \(newValue)")
            agent = Int(newValue[0])
            hasKey = newValue[1] != 0
            elapsedSteps = Int(newValue[2])
            if observation.remembersPrevious {
                previousAction = Int(newValue[3])
                previousReward = newValue[4]
            }
        }
    }

    /// The agent on a cell it can stand on (not a wall, not a door without the key), the key flag 0 or 1,
    /// the elapsed steps a whole number within the time limit, and a previous action in −1…3 with a
    /// finite previous reward.
    public func stateProblem(_ state: [Double]) -> String? {
        let count = observation.remembersPrevious ? 5 : 3
        guard state.count == count else { return "\(state.count) state values where this gridworld has \(count)" }
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
        if observation.remembersPrevious {
            guard let action = Int(exactly: state[3]), (-1...3).contains(action) else {
                return "previous action \(state[3]) is not a whole number in -1...3"
            }
            guard state[4].isFinite else { return "previous reward \(state[4]) is not finite" }
        }
        return nil
    }

    public mutating func reset(using rng: inout RandomGenerator, observation: UnsafeMutableBufferPointer<Float>) {
        agent = startCells.count == 1 ? startCells[0] : startCells[rng.integer(below: startCells.count)]
        hasKey = false
        goalReached = false
        elapsedSteps = 0
        previousAction = -1
        previousReward = 0
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
        previousAction = action.index
        previousReward = reward
        observe(into: observation)
        return StepOutcome(reward: reward, terminated: terminated, truncated: elapsedSteps >= maxEpisodeSteps)
    }

    public func observe(into observation: UnsafeMutableBufferPointer<Float>) {
        if let side = self.observation.view {
            observeWindow(side: side, into: observation)
        } else {
            baseObservation.withUnsafeBufferPointer { base in
                _ = observation.initialize(from: base)
            }
            if hasKey { for k in keyCells { observation[planeIndex[Channel.key.rawValue] * planeSize + k] = 0 } }
            observation[planeIndex[Channel.agent.rawValue] * planeSize + agent] = 1
        }
        observation[flagOffset] = hasKey ? 1 : 0
        var offset = flagOffset + 1
        if self.observation.previousAction {
            for a in 0..<4 { observation[offset + a] = a == previousAction ? 1 : 0 }
            offset += 4
        }
        if self.observation.previousReward { observation[offset] = Float(previousReward) }
    }

    /// The k×k window centred on the agent, row by row from its top-left corner; off-map cells are walls.
    private func observeWindow(side: Int, into observation: UnsafeMutableBufferPointer<Float>) {
        for k in 0..<flagOffset { observation[k] = 0 }
        let (column, row) = map.position(of: agent), radius = side / 2
        let goalPlane = planeIndex[Channel.goal.rawValue]
        for dr in 0..<side {
            for dc in 0..<side {
                let c = column + dc - radius, r = row + dr - radius, slot = dr * side + dc
                guard c >= 0, c < map.width, r >= 0, r < map.height else {
                    observation[planeIndex[Channel.wall.rawValue] * planeSize + slot] = 1
                    continue
                }
                let cell = map.index(column: c, row: r)
                if let channel = Self.channel(of: map.cells[cell]), !(channel == .key && hasKey) {
                    observation[planeIndex[channel.rawValue] * planeSize + slot] = 1
                }
                if goalPlane >= 0 && goalCells.contains(cell) { observation[goalPlane * planeSize + slot] = 1 }
            }
        }
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
