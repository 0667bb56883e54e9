/// One action for one environment: an index for discrete spaces, a vector for box spaces.
///
/// The continuous case borrows its values, so stepping never allocates.
public enum Action {
    case discrete(Int)
    case continuous(UnsafeBufferPointer<Float>)

    /// The index of a discrete action, or the rounded first value of a continuous one.
    @inlinable public var index: Int {
        switch self {
        case .discrete(let i): return i
        case .continuous(let v): return Int(v[0].rounded())
        }
    }

    /// The first value of a continuous action, or the index as a Float.
    @inlinable public var scalar: Float {
        switch self {
        case .discrete(let i): return Float(i)
        case .continuous(let v): return v[0]
        }
    }
}
