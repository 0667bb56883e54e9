/// NumPy's legacy `RandomState` (MT19937) for integer seeds, word for word, as MinAtar's reference uses it.
///
/// Reproduces `RandomState(seed)` (`init_genrand`), the tempered 32-bit outputs, `rand()`'s 53-bit doubles
/// (two words: 27 + 26 bits) and legacy `randint`'s masked rejection sampling, and counts the 32-bit words
/// consumed so that a port can be checked against recorded word counts. The 624-word key lives inline in
/// the value (no heap storage), so copying a generator copies its whole state and drawing never allocates.
/// NumPy's compatibility policy (NEP 19) freezes this stream.
public struct LegacyRandomState: Sendable {
    /// The number of 32-bit words in the Mersenne Twister key.
    public static let keyCount = 624

    /// The key, inline: ten 64-word vectors, of which the first 624 words are used.
    @usableFromInline var key: KeyStorage
    /// The index of the next key word to temper; `keyCount` means the key must be regenerated first.
    @usableFromInline var nextIndex: Int
    /// The index of the next key word, 0…624 (NumPy's `pos`).
    public var position: Int { nextIndex }
    /// The number of 32-bit words drawn since the generator was seeded or restored.
    public var wordsConsumed: Int = 0

    @usableFromInline typealias KeyStorage = (
        SIMD64<UInt32>, SIMD64<UInt32>, SIMD64<UInt32>, SIMD64<UInt32>, SIMD64<UInt32>,
        SIMD64<UInt32>, SIMD64<UInt32>, SIMD64<UInt32>, SIMD64<UInt32>, SIMD64<UInt32>
    )

    /// `numpy.random.RandomState(seed)` for an integer seed in `0 ... 2³²−1`.
    public init(seed: UInt32) {
        key = (.zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero)
        nextIndex = Self.keyCount
        withKey { words in
            words[0] = seed
            for i in 1..<Self.keyCount {
                let previous = words[i - 1]
                words[i] = 1_812_433_253 &* (previous ^ (previous >> 30)) &+ UInt32(i)
            }
        }
    }

    /// A generator in a saved state: 624 key words and a position in `0...624`; nil otherwise.
    public init?(keyWords: [UInt32], position: Int) {
        guard keyWords.count == Self.keyCount, (0...Self.keyCount).contains(position) else { return nil }
        key = (.zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero)
        self.nextIndex = position
        withKey { words in
            for i in 0..<Self.keyCount { words[i] = keyWords[i] }
        }
    }

    /// The 624 key words (for saving the state and for checksums).
    public var keyWords: [UInt32] {
        var copy = self
        return copy.withKey { Array($0[0..<Self.keyCount]) }
    }

    @inlinable
    mutating func withKey<R>(_ body: (UnsafeMutableBufferPointer<UInt32>) -> R) -> R {
        withUnsafeMutablePointer(to: &key) { storage in
            UnsafeMutableRawPointer(storage).withMemoryRebound(to: UInt32.self, capacity: 640) { words in
                body(UnsafeMutableBufferPointer(start: words, count: 640))
            }
        }
    }

    /// Regenerates the whole key in place, in increasing index order (later words read already-regenerated ones).
    @usableFromInline
    mutating func regenerate() {
        withKey { words in
            let count = Self.keyCount
            for i in 0..<count {
                let y = (words[i] & 0x8000_0000) | (words[i + 1 == count ? 0 : i + 1] & 0x7fff_ffff)
                let shifted = i + 397 < count ? i + 397 : i + 397 - count
                words[i] = words[shifted] ^ (y >> 1) ^ ((y & 1) != 0 ? 0x9908_b0df : 0)
            }
        }
        nextIndex = 0
    }

    /// The next tempered 32-bit output (`genrand_int32`).
    @inlinable
    public mutating func next32() -> UInt32 {
        if nextIndex >= Self.keyCount { regenerate() }
        let index = nextIndex
        var y = withKey { $0[index] }
        nextIndex = index + 1
        wordsConsumed &+= 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9d2c_5680
        y ^= (y << 15) & 0xefc6_0000
        y ^= y >> 18
        return y
    }

    /// `rand()` / `random_sample()`: a Double in [0, 1) from two words, `(a·2²⁶ + b) / 2⁵³`.
    @inlinable
    public mutating func rand() -> Double {
        let high = next32() >> 5
        let low = next32() >> 6
        return (Double(high) * 67_108_864.0 + Double(low)) / 9_007_199_254_740_992.0
    }

    /// Legacy `randint(low, high)`: an integer in `low ..< high` by masked rejection sampling on 32-bit
    /// words; a range of one value consumes no word. `high − low` must be in `1 ... 2³²−1`.
    @inlinable
    public mutating func randint(_ low: Int, _ high: Int) -> Int {
        let span = high - 1 - low
        precondition(span >= 0 && span < 0xffff_ffff, "randint needs 1 ... 2³²−1 values, got \(low) ..< \(high)")
        if span == 0 { return low }
        let range = UInt32(span)
        var mask = range
        mask |= mask >> 1
        mask |= mask >> 2
        mask |= mask >> 4
        mask |= mask >> 8
        mask |= mask >> 16
        var value = next32() & mask
        while value > range { value = next32() & mask }
        return low + Int(value)
    }

    /// Legacy `randint(n)` = `randint(0, n)`.
    @inlinable
    public mutating func randint(_ count: Int) -> Int {
        randint(0, count)
    }
}

extension LegacyRandomState: Equatable {
    public static func == (lhs: LegacyRandomState, rhs: LegacyRandomState) -> Bool {
        lhs.nextIndex == rhs.nextIndex && lhs.wordsConsumed == rhs.wordsConsumed && lhs.keyWords == rhs.keyWords
    }
}
