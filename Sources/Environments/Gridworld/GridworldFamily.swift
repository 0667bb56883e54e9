extension EnvironmentFamily {
    /// Gridworlds on text maps (`map:` a catalogue name or a file; `goal: [column, row]` replaces the
    /// map's goals, `start:` its start — `GridStart`), observed as the task asks (`GridObservation`),
    /// checked for a goal reachable from every start cell.
    public static let gridworld = EnvironmentFamily(
        members: [
            Member(
                id: "Gridworld",
                description: "gridworld on a text map: walls, goal, lava, key, door (Discrete(4)); full, goal-hidden or egocentric views"
            ) {
                EnvironmentPrototype(Gridworld(map: emptyRoom))
            }
        ],
        taskKeys: GridObservation.keys.union(["map", "goal", "start"])
    ) { request throws(ChorusError) in
        guard let reference = request.spec.map else { throw request.node.error("a Gridworld task needs 'map'") }
        let observation = try GridObservation(fields: request.fields)
        return EnvironmentPrototype(try gridworld(request.spec, map: request.loadMap(reference), observation: observation, node: request.node))
    }

    /// An empty 8×8 room, start top-left and goal bottom-right (the benchmark's gridworld).
    static let emptyRoom = try! GridMap.parse("########\n#A.....#\n#......#\n#......#\n#......#\n#......#\n#.....G#\n########", name: "empty-8x8")

    /// The gridworld of a task: the map with the task's goal, start and time limit, checked for reachability.
    static func gridworld(_ spec: TaskSpec, map: GridMap, observation: GridObservation, node: ConfigurationNode) throws(ChorusError) -> Gridworld {
        func cell(_ position: GridPosition, _ key: String) throws(ChorusError) -> Int {
            guard position.column >= 0, position.column < map.width, position.row >= 0, position.row < map.height else {
                throw node.error("\(key) [\(position.column), \(position.row)] is outside the \(map.width)×\(map.height) map '\(map.name)'")
            }
            let index = map.index(column: position.column, row: position.row)
            guard [.floor, .goal].contains(map.cells[index]) else {
                throw node.error("\(key) [\(position.column), \(position.row)] is not a free cell of map '\(map.name)'")
            }
            return index
        }
        let goal = try spec.goal.map { position throws(ChorusError) in try cell(position, "goal") }
        var start: [Int]?
        switch spec.start {
        case .cells(let positions):
            start = []
            for position in positions { start!.append(try cell(position, "start")) }
        case .room: start = GridStart.room.cells(on: map)
        case nil: break
        }
        let world = Gridworld(map: map, goal: goal, start: start, observation: observation, maxEpisodeSteps: spec.maxSteps)
        for origin in world.startCells {
            let reachable = map.reachableCells(from: origin)
            guard world.goalCells.allSatisfy(reachable.contains) else {
                let (column, row) = map.position(of: origin)
                throw node.error("the goal of task '\(spec.name)' cannot be reached from its start [\(column), \(row)] on map '\(map.name)'")
            }
        }
        return world
    }
}
