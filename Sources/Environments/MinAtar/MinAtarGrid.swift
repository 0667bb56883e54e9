/// A 10×10 grid of on/off cells stored as one 10-bit mask per row (bit `c` = column `c`), held inline.
public struct MinAtarGrid: Equatable, Sendable {
    /// Rows 0…9 in the first ten lanes; the other lanes stay zero.
    public var rows: SIMD16<UInt16> = .zero

    /// The mask of a full row.
    public static let fullRow: UInt16 = 0x3ff

    public init() {}

    /// The grid with `rows` full (all ten columns) and the rest empty.
    public init(fullRows: ClosedRange<Int>) {
        for row in fullRows { rows[row] = Self.fullRow }
    }

    /// The cell at `row`, `column` (both 0…9).
    @inlinable
    public subscript(row: Int, column: Int) -> Bool {
        get { rows[row] & (1 << UInt16(column)) != 0 }
        set {
            if newValue {
                rows[row] |= 1 << UInt16(column)
            } else {
                rows[row] &= ~(1 << UInt16(column))
            }
        }
    }

    @inlinable public var isEmpty: Bool { rows == .zero }

    /// The number of set cells.
    @inlinable public var count: Int {
        var total = 0
        for row in 0..<10 { total += rows[row].nonzeroBitCount }
        return total
    }

    /// The columns with at least one set cell, as a mask.
    @inlinable public var occupiedColumns: UInt16 {
        var mask: UInt16 = 0
        for row in 0..<10 { mask |= rows[row] }
        return mask
    }

    /// Every row moves up one (row 0 falls off, row 9 becomes empty).
    @inlinable
    public mutating func shiftUp() {
        for row in 0..<9 { rows[row] = rows[row + 1] }
        rows[9] = 0
    }

    /// Every row moves down one (row 9 falls off, row 0 becomes empty).
    @inlinable
    public mutating func shiftDown() {
        for row in stride(from: 9, to: 0, by: -1) { rows[row] = rows[row - 1] }
        rows[0] = 0
    }

    /// Every row moves down one, row 9 wrapping round to row 0 (`np.roll(grid, 1, axis=0)`).
    @inlinable
    public mutating func rollDown() {
        let last = rows[9]
        for row in stride(from: 9, to: 0, by: -1) { rows[row] = rows[row - 1] }
        rows[0] = last
    }

    /// Every cell moves one column right (`direction` +1) or left (−1), wrapping round (`np.roll(grid, direction, axis=1)`).
    @inlinable
    public mutating func rollColumns(by direction: Int) {
        for row in 0..<10 {
            let mask = rows[row]
            rows[row] = direction > 0 ? ((mask << 1) | (mask >> 9)) & Self.fullRow : (mask >> 1) | ((mask & 1) << 9)
        }
    }

    /// The cells set in both grids.
    @inlinable
    public func intersection(_ other: MinAtarGrid) -> MinAtarGrid {
        var result = MinAtarGrid()
        result.rows = rows & other.rows
        return result
    }

    /// Clears the cells set in `other`.
    @inlinable
    public mutating func subtract(_ other: MinAtarGrid) {
        rows &= ~other.rows
    }
}
