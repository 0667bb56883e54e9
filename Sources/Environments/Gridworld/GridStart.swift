/// Where a gridworld task's episodes start (suite key `start`): given cells, or anywhere in the start room.
///
/// `start: [column, row]` is one cell; `start: [[c, r], [c, r], …]` draws one of the cells uniformly at every
/// reset; `start: room` draws any floor cell of the room holding the map's `A` — the floor cells connected to
/// it without passing a doorway (a free cell with walls on both sides, left and right or above and below).
/// Draws come from the environment's own seeded stream; a single start cell draws nothing.
public enum GridStart: Equatable, Sendable {
    case cells([GridPosition])
    case room

    /// The start cells on `map`, as cell indices.
    public func cells(on map: GridMap) -> [Int] {
        switch self {
        case .cells(let positions): return positions.map { map.index(column: $0.column, row: $0.row) }
        case .room: return map.roomCells(containing: map.start)
        }
    }

    /// As written in a suite file.
    public var yaml: String {
        switch self {
        case .room: return "room"
        case .cells(let positions) where positions.count == 1: return "[\(positions[0].column), \(positions[0].row)]"
        case .cells(let positions): return "[" + positions.map { "[\($0.column), \($0.row)]" }.joined(separator: ", ") + "]"
        }
    }

    /// Reads `room`, `[c, r]` or `[[c, r], …]`.
    init(_ node: ConfigurationNode) throws(ChorusError) {
        if let word = try? node.string() {
            guard word == "room" else { throw node.error("start '\(word)': expected [column, row], a list of cells, or room") }
            self = .room
            return
        }
        let items = try node.sequence()
        if let first = items.first, (try? first.sequence()) != nil {
            var positions: [GridPosition] = []
            for item in items { positions.append(GridPosition(try item.intPair())) }
            self = .cells(positions)
        } else {
            self = .cells([GridPosition(try node.intPair())])
        }
        if case .cells(let positions) = self, positions.isEmpty {
            throw node.error("start needs at least one cell ([column, row], a list of them, or room)")
        }
    }
}
