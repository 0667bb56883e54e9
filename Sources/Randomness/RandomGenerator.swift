#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A seeded, splittable pseudo-random generator (xoshiro256**), the only source of randomness in Chorus.
///
/// Every random draw of a run comes from a generator owned by that run, so the same seed gives the same
/// numbers bit for bit. Independent streams (one per environment, one for the policy, …) are derived
/// from a seed and a stream number with SplitMix64, so adding a stream never shifts another one.
/// The conversions to floating point are written here, not taken from the standard library, so that
/// they cannot change between Swift versions.
public struct RandomGenerator: RandomNumberGenerator, Sendable, Equatable {
    /// The four words of xoshiro256** state; exposed so that checkpoints can store and restore it.
    @usableFromInline var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator for `seed`, on stream `stream` (distinct streams are statistically independent).
    public init(seed: UInt64, stream: UInt64 = 0) {
        var mixer = seed ^ (stream &* 0xD1B5_4A32_D192_ED03)
        var words: [UInt64] = []
        for _ in 0..<4 { words.append(Self.splitMix64(&mixer)) }
        if words.allSatisfy({ $0 == 0 }) { words[0] = 1 }
        state = (words[0], words[1], words[2], words[3])
    }

    /// Restores a generator from `words` previously read from `stateWords`; nil unless there are four non-zero words.
    public init?(stateWords words: [UInt64]) {
        guard words.count == 4, words.contains(where: { $0 != 0 }) else { return nil }
        state = (words[0], words[1], words[2], words[3])
    }

    /// The state as an array, for checkpoints.
    public var stateWords: [UInt64] { [state.0, state.1, state.2, state.3] }

    /// A new, independent generator derived from this one's next output and `stream`.
    public mutating func split(stream: UInt64 = 0) -> RandomGenerator {
        RandomGenerator(seed: next(), stream: stream)
    }

    @inlinable
    public mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotateLeft(state.3, 45)
        return result
    }

    /// A uniform Double in [0, 1) with 53 random bits.
    @inlinable
    public mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform Float in [0, 1) with 24 random bits.
    @inlinable
    public mutating func nextFloat() -> Float {
        Float(next() >> 40) * 0x1.0p-24
    }

    /// A uniform Double in [low, high).
    @inlinable
    public mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * nextDouble()
    }

    /// A uniform integer in 0..<bound (Lemire's method, unbiased); `bound` must be positive.
    @inlinable
    public mutating func integer(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }

    /// A standard normal Double (Box–Muller; one output per call, so the stream position is simple to reason about).
    @inlinable
    public mutating func normal() -> Double {
        let u1 = 1.0 - nextDouble()  // (0, 1]: log is finite
        let u2 = nextDouble()
        return (-2.0 * _log(u1)).squareRoot() * _cos(2.0 * Double.pi * u2)
    }

    @inlinable
    func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 &- k)) }

    static func splitMix64(_ x: inout UInt64) -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public static func == (a: RandomGenerator, b: RandomGenerator) -> Bool { a.stateWords == b.stateWords }
}

// The C math library's log and cos, reachable from the inlinable methods above.
@usableFromInline func _log(_ x: Double) -> Double { log(x) }
@usableFromInline func _cos(_ x: Double) -> Double { cos(x) }
