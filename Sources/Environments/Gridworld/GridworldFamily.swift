extension EnvironmentFamily {
    /// Fully observed gridworlds on text maps (`map:` a catalogue name or a file; `goal:` and `start:` as
    /// `[column, row]` replace the map's), checked for a reachable goal.
    public static let gridworld = EnvironmentFamily(
        members: [
            Member(id: "Gridworld", description: "fully observed gridworld on a text map: walls, goal, lava, key, door (Discrete(4))") {
                EnvironmentPrototype(Gridworld(map: emptyRoom))
            }
        ],
        taskKeys: ["map", "goal", "start"]
    ) { request throws(ChorusError) in
        guard let reference = request.spec.map else { throw request.node.error("a Gridworld task needs 'map'") }
        return EnvironmentPrototype(try gridworld(request.spec, map: request.loadMap(reference), node: request.node))
    }

    /// An empty 8×8 room, start top-left and goal bottom-right (the benchmark's gridworld).
    static let emptyRoom = try! GridMap.parse("########\n#A.....#\n#......#\n#......#\n#......#\n#......#\n#.....G#\n########", name: "empty-8x8")

    /// The gridworld of a task: the map with the task's goal, start and time limit, checked for reachability.
    static func gridworld(_ spec: TaskSpec, map: GridMap, node: ConfigurationNode) throws(ChorusError) -> Gridworld {
        func cell(_ position: GridPosition?, _ key: String) throws(ChorusError) -> Int? {
            guard let position else { return nil }
            guard position.column >= 0, position.column < map.width, position.row >= 0, position.row < map.height else {
                throw node.error("\(key) [\(position.column), \(position.row)] is outside the \(map.width)×\(map.height) map '\(map.name)'")
            }
            let index = map.index(column: position.column, row: position.row)
            guard [.floor, .goal].contains(map.cells[index]) else {
                throw node.error("\(key) [\(position.column), \(position.row)] is not a free cell of map '\(map.name)'")
            }
            return index
        }
        let goal = try cell(spec.goal, "goal")
        let start = try cell(spec.start, "start")
        let world = Gridworld(map: map, goal: goal, start: start, maxEpisodeSteps: spec.maxSteps)
        let reachable = map.reachableCells(from: world.startCell)
        guard world.goalCells.allSatisfy(reachable.contains) else {
            throw node.error("the goal of task '\(spec.name)' cannot be reached from its start on map '\(map.name)'")
        }
        return world
    }
}
