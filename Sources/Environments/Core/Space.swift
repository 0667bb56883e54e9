import Randomness

/// An action or observation space, as Gymnasium defines them.
public enum Space: Equatable, Sendable, CustomStringConvertible {
    /// `n` actions, numbered 0..<n.
    case discrete(Int)
    /// Real vectors inside a box.
    case box(Box)

    /// The number of Floats that encode one element: 1 for discrete (the index), the box size otherwise.
    public var flatSize: Int {
        switch self {
        case .discrete: return 1
        case .box(let box): return box.size
        }
    }

    public var description: String {
        switch self {
        case .discrete(let n): return "Discrete(\(n))"
        case .box(let box): return box.description
        }
    }
}

/// A box of real vectors: element-wise bounds and a shape (row-major).
public struct Box: Equatable, Sendable, CustomStringConvertible {
    public var low: [Float]
    public var high: [Float]
    public var shape: [Int]

    public init(low: [Float], high: [Float], shape: [Int]? = nil) {
        precondition(low.count == high.count, "low and high must have the same size")
        self.low = low
        self.high = high
        self.shape = shape ?? [low.count]
        precondition(self.shape.reduce(1, *) == low.count, "shape does not match the bounds")
    }

    /// A box with the same bounds for every element.
    public init(low: Float, high: Float, shape: [Int]) {
        let n = shape.reduce(1, *)
        self.init(low: Array(repeating: low, count: n), high: Array(repeating: high, count: n), shape: shape)
    }

    /// The number of elements.
    public var size: Int { low.count }

    public var description: String {
        let shapeText = shape.map(String.init).joined(separator: ",")
        if let l = low.first, let h = high.first, low.allSatisfy({ $0 == l }), high.allSatisfy({ $0 == h }) {
            return "Box(\(l), \(h), (\(shapeText)))"
        }
        return "Box((\(shapeText)))"
    }
}

extension Space {
    /// Writes a uniformly random element (a discrete index as a Float, or a point of the box).
    @inlinable
    public func sample(into out: UnsafeMutableBufferPointer<Float>, using rng: inout RandomGenerator) {
        switch self {
        case .discrete(let n):
            out[0] = Float(rng.integer(below: n))
        case .box(let box):
            for i in 0..<box.size {
                out[i] = box.low[i] + (box.high[i] - box.low[i]) * rng.nextFloat()
            }
        }
    }
}
