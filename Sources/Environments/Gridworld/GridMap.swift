import Foundation

/// A gridworld layout read from a text map: `#` wall, `.` floor, `A` start, `G` goal, `L` lava, `K` key, `D` door.
///
/// Cells are numbered row-major from the top-left corner; `(column, row)` coordinates count from 0.
/// Parsing rejects ragged rows, unknown characters, a missing or repeated start, a missing goal and
/// goals the agent cannot reach (a door needs the key first; lava and walls block).
public struct GridMap: Equatable, Sendable {
    /// What a cell holds when an episode starts.
    public enum Cell: UInt8, Sendable {
        case floor, wall, goal, lava, key, door
    }

    public var name: String
    public var width: Int
    public var height: Int
    public var cells: [Cell]
    public var start: Int
    /// The goal cells of the map (several for multi-goal mazes).
    public var goals: [Int]

    public init(name: String, width: Int, height: Int, cells: [Cell], start: Int) {
        self.name = name
        self.width = width
        self.height = height
        self.cells = cells
        self.start = start
        self.goals = cells.indices.filter { cells[$0] == .goal }
    }

    /// The cell index of `(column, row)`.
    @inlinable public func index(column: Int, row: Int) -> Int { row * width + column }

    /// The `(column, row)` of a cell index.
    @inlinable public func position(of index: Int) -> (column: Int, row: Int) { (index % width, index / width) }

    /// The largest map side, in cells (observations grow with the cell count).
    public static let maximumSide = 128

    /// The map as text, in the legend `parse` reads.
    public var text: String {
        var lines: [String] = []
        for row in 0..<height {
            var line = ""
            for column in 0..<width {
                let i = index(column: column, row: row)
                if i == start { line += "A"; continue }
                switch cells[i] {
                case .floor: line += "."
                case .wall: line += "#"
                case .goal: line += "G"
                case .lava: line += "L"
                case .key: line += "K"
                case .door: line += "D"
                }
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Reads and validates the map in `file`.
    public static func load(contentsOf file: URL) throws(ChorusError) -> GridMap {
        let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
        guard size <= 4 * (maximumSide + 2) * maximumSide else {
            throw ChorusError(file: file.path, problem: "the map file has \(size) bytes; a map is at most \(maximumSide)×\(maximumSide) cells")
        }
        let text: String
        do { text = try String(contentsOf: file, encoding: .utf8) } catch {
            throw ChorusError(file: file.path, problem: "cannot read the map: \(error.localizedDescription)")
        }
        return try parse(text, name: file.deletingPathExtension().lastPathComponent, file: file.path)
    }

    /// Parses and validates a map; `file` names the source in error messages.
    public static func parse(_ text: String, name: String, file: String = "<map>") throws(ChorusError) -> GridMap {
        guard text.utf8.count <= 4 * (maximumSide + 2) * maximumSide else {
            throw ChorusError(file: file, problem: "the map has \(text.utf8.count) bytes; a map is at most \(maximumSide)×\(maximumSide) cells")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
        while let last = lines.last, last.allSatisfy({ $0 == " " || $0 == "\t" }) { lines.removeLast() }
        guard let first = lines.first, !first.isEmpty else {
            throw ChorusError(file: file, problem: "the map is empty")
        }
        let width = first.count
        guard width <= maximumSide, lines.count <= maximumSide else {
            throw ChorusError(file: file, problem: "the map is \(width)×\(lines.count) cells; a map is at most \(maximumSide)×\(maximumSide)")
        }
        var cells: [Cell] = []
        var start: Int?
        for (row, line) in lines.enumerated() {
            guard line.count == width else {
                throw ChorusError(
                    file: file, line: row + 1, column: min(line.count, width) + 1,
                    problem: "ragged row: \(line.count) cells where the first row has \(width)")
            }
            for (column, character) in line.enumerated() {
                let cell: Cell
                switch character {
                case "#": cell = .wall
                case ".": cell = .floor
                case "G": cell = .goal
                case "L": cell = .lava
                case "K": cell = .key
                case "D": cell = .door
                case "A":
                    if start != nil {
                        throw ChorusError(file: file, line: row + 1, column: column + 1, problem: "a second start 'A' (a map has exactly one)")
                    }
                    start = cells.count
                    cell = .floor
                default:
                    throw ChorusError(
                        file: file, line: row + 1, column: column + 1,
                        problem: "unknown character '\(character)' (legend: # wall, . floor, A start, G goal, L lava, K key, D door)")
                }
                cells.append(cell)
            }
        }
        guard let start else { throw ChorusError(file: file, problem: "no start cell 'A'") }
        let map = GridMap(name: name, width: width, height: lines.count, cells: cells, start: start)
        guard !map.goals.isEmpty else { throw ChorusError(file: file, problem: "no goal cell 'G'") }
        try map.checkReachable(map.goals, file: file)
        return map
    }

    /// Throws unless every cell in `targets` can be reached from the start.
    public func checkReachable(_ targets: [Int], from origin: Int? = nil, file: String) throws(ChorusError) {
        let reachable = reachableCells(from: origin ?? start)
        for target in targets where !reachable.contains(target) {
            let (column, row) = position(of: target)
            throw ChorusError(file: file, line: row + 1, column: column + 1, problem: "the goal cannot be reached from the start")
        }
    }

    /// Whether a free cell is a doorway: walls on both sides, left and right or above and below.
    public func isDoorway(_ cell: Int) -> Bool {
        guard cells[cell] != .wall else { return false }
        let (column, row) = position(of: cell)
        func wall(_ c: Int, _ r: Int) -> Bool { c < 0 || c >= width || r < 0 || r >= height || cells[index(column: c, row: r)] == .wall }
        return (wall(column - 1, row) && wall(column + 1, row)) || (wall(column, row - 1) && wall(column, row + 1))
    }

    /// The floor cells of the room holding `cell`: those connected to it through floor cells without
    /// passing a doorway (`isDoorway`), in index order.
    public func roomCells(containing cell: Int) -> [Int] {
        var seen = Set([cell]), queue = [cell]
        while let next = queue.popLast() {
            let (column, row) = position(of: next)
            for (dc, dr) in [(0, -1), (0, 1), (-1, 0), (1, 0)] {
                let c = column + dc, r = row + dr
                guard c >= 0, c < width, r >= 0, r < height else { continue }
                let neighbour = index(column: c, row: r)
                guard cells[neighbour] == .floor, !isDoorway(neighbour), seen.insert(neighbour).inserted else { continue }
                queue.append(neighbour)
            }
        }
        return seen.sorted()
    }

    /// Cells the agent can stand on, by breadth-first search over (cell, has key); lava, walls and
    /// doors without the key block, and a goal ends the episode so the search does not go past it.
    public func reachableCells(from origin: Int) -> Set<Int> {
        var seen = Set<Int>([origin * 2])
        var queue = [origin * 2]
        var reached = Set<Int>([origin])
        while let node = queue.popLast() {
            let cell = node / 2, hasKey = node % 2 == 1
            if cells[cell] == .goal && cell != origin { continue }
            let (column, row) = position(of: cell)
            for (dc, dr) in [(0, -1), (0, 1), (-1, 0), (1, 0)] {
                let c = column + dc, r = row + dr
                guard c >= 0, c < width, r >= 0, r < height else { continue }
                let next = index(column: c, row: r)
                switch cells[next] {
                case .wall, .lava: continue
                case .door where !hasKey: continue
                default: break
                }
                let key = (hasKey || cells[next] == .key) ? 1 : 0
                if seen.insert(next * 2 + key).inserted {
                    queue.append(next * 2 + key)
                    reached.insert(next)
                }
            }
        }
        return reached
    }
}
