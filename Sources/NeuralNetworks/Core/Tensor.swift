/// A dense row-major matrix of Floats: `rows` samples × `columns` features.
///
/// Chorus needs nothing more general. Buffers are reused across steps: `reshape` keeps the storage
/// when the element count does not change, so the training hot path does not allocate.
public struct Tensor: Equatable, Sendable {
    public private(set) var rows: Int
    public private(set) var columns: Int
    public var storage: [Float]

    /// A zero matrix.
    public init(rows: Int, columns: Int) {
        precondition(rows >= 0 && columns >= 0, "negative shape")
        self.rows = rows
        self.columns = columns
        self.storage = Array(repeating: 0, count: rows * columns)
    }

    /// A matrix with the given row-major values.
    public init(rows: Int, columns: Int, values: [Float]) {
        precondition(values.count == rows * columns, "\(values.count) values for a \(rows)×\(columns) matrix")
        self.rows = rows
        self.columns = columns
        self.storage = values
    }

    /// A 1×n row.
    public init(row: [Float]) { self.init(rows: 1, columns: row.count, values: row) }

    public var count: Int { storage.count }

    @inlinable
    public subscript(row: Int, column: Int) -> Float {
        get { storage[row * columns + column] }
        set { storage[row * columns + column] = newValue }
    }

    /// Makes the shape `rows × columns`; the contents are unspecified afterwards unless the shape was already that.
    public mutating func reshape(rows: Int, columns: Int) {
        if self.rows == rows && self.columns == columns { return }
        let n = rows * columns
        if storage.count != n {
            if storage.count > n {
                storage.removeLast(storage.count - n)
            } else {
                storage.append(contentsOf: repeatElement(0, count: n - storage.count))
            }
        }
        self.rows = rows
        self.columns = columns
    }

    /// Sets every element to `value`.
    public mutating func fill(_ value: Float) {
        storage.withUnsafeMutableBufferPointer { $0.update(repeating: value) }
    }

    /// Copies rows `range` of `source` into this tensor, starting at row `at`.
    public mutating func copyRows(_ range: Range<Int>, of source: Tensor, to at: Int = 0) {
        precondition(source.columns == columns && at + range.count <= rows, "row copy out of bounds")
        let c = columns
        storage.withUnsafeMutableBufferPointer { dst in
            source.storage.withUnsafeBufferPointer { src in
                (dst.baseAddress! + at * c).update(from: src.baseAddress! + range.lowerBound * c, count: range.count * c)
            }
        }
    }

    /// Adds rows `range` of `source` into this tensor, starting at row `at`.
    public mutating func addRows(_ range: Range<Int>, of source: Tensor, to at: Int = 0) {
        precondition(source.columns == columns && at + range.count <= rows, "row add out of bounds")
        let c = columns
        storage.withUnsafeMutableBufferPointer { dst in
            source.storage.withUnsafeBufferPointer { src in
                let d = dst.baseAddress! + at * c, s = src.baseAddress! + range.lowerBound * c
                for i in 0..<(range.count * c) { d[i] += s[i] }
            }
        }
    }

    /// The rows `range` as a new tensor.
    public func slice(rows range: Range<Int>) -> Tensor {
        Tensor(rows: range.count, columns: columns, values: Array(storage[(range.lowerBound * columns)..<(range.upperBound * columns)]))
    }

    /// One row as an array.
    public func row(_ r: Int) -> [Float] { Array(storage[(r * columns)..<((r + 1) * columns)]) }
}
