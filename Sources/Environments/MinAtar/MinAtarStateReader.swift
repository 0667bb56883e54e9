/// Reads a MinAtar state back from its numbers in order, checking that each is a whole number in range.
public struct MinAtarStateReader {
    public let values: ArraySlice<Double>
    public private(set) var index: Int

    public init(_ values: ArraySlice<Double>) {
        self.values = values
        self.index = values.startIndex
    }

    /// The values not read yet.
    public var remaining: Int { values.endIndex - index }

    /// The next value as an integer in `range`, or an error naming `field`.
    public mutating func integer(_ field: String, in range: ClosedRange<Int>) throws(MinAtarStateError) -> Int {
        guard index < values.endIndex else { throw MinAtarStateError("the state ends before \(field)") }
        let value = values[index]
        index += 1
        guard let whole = Int(exactly: value), range.contains(whole) else {
            throw MinAtarStateError("\(field) is \(value), not a whole number in \(range.lowerBound)...\(range.upperBound)")
        }
        return whole
    }

    /// The next value as a flag (0 or 1), or an error naming `field`.
    public mutating func flag(_ field: String) throws(MinAtarStateError) -> Bool {
        try integer(field, in: 0...1) == 1
    }
}

/// Why numbers are not a state of a MinAtar game.
public struct MinAtarStateError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
