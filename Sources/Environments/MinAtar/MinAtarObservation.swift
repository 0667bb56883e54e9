/// A `[10, 10, C]` observation being written: cell `(row, column, channel)` is at `(row·10 + column)·C + channel`.
public struct MinAtarObservation {
    public let cells: UnsafeMutableBufferPointer<Float>
    public let channels: Int

    public init(cells: UnsafeMutableBufferPointer<Float>, channels: Int) {
        self.cells = cells
        self.channels = channels
    }

    /// Sets cell `(row, column, channel)`; both coordinates must be on the grid.
    @inlinable
    public func set(_ row: Int, _ column: Int, _ channel: Int) {
        cells[(row &* 10 &+ column) &* channels &+ channel] = 1
    }

    /// Sets the cell when the column is on the grid (for trails beside the edge).
    @inlinable
    public func setIfOnGrid(_ row: Int, _ column: Int, _ channel: Int) {
        if column >= 0 && column < 10 && row >= 0 && row < 10 { set(row, column, channel) }
    }

    /// Sets channel `channel` of every cell of `row` whose column bit is set in `columns` (bit `c` = column `c`).
    @inlinable
    public func set(_ row: Int, columns: UInt16, _ channel: Int) {
        var remaining = columns
        while remaining != 0 {
            set(row, remaining.trailingZeroBitCount, channel)
            remaining &= remaining &- 1
        }
    }
}
