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

    /// Regenerates the whole key in place, as if in increasing index order (later words read already-regenerated
    /// ones), eight words at a time: word `i` reads words `i + 1` (not yet regenerated) and `i + 397` (not yet
    /// regenerated below 227, already regenerated from 227 on, 227 words back), so a run of eight never reads
    /// a word it writes.
    @usableFromInline
    mutating func regenerate() {
        typealias Lanes = SIMD8<UInt32>
        withKey { words in
            let raw = UnsafeMutableRawPointer(words.baseAddress!)
            @inline(__always) func load(_ i: Int) -> Lanes { raw.loadUnaligned(fromByteOffset: i * 4, as: Lanes.self) }
            @inline(__always) func store(_ value: Lanes, _ i: Int) { raw.storeBytes(of: value, toByteOffset: i * 4, as: Lanes.self) }
            let count = Self.keyCount, split = count - 397  // 227
            var i = 0
            while i + 8 <= split {  // words 0..<224
                store(Self.twist(load(i), load(i + 1), load(i + 397)), i)
                i += 8
            }
            while i < split {  // 224..<227
                words[i] = Self.twist(words[i], words[i + 1], words[i + 397])
                i += 1
            }
            while i + 8 <= count - 1 {  // 227..<619
                store(Self.twist(load(i), load(i + 1), load(i - split)), i)
                i += 8
            }
            while i < count - 1 {  // 619..<623
                words[i] = Self.twist(words[i], words[i + 1], words[i - split])
                i += 1
            }
            words[count - 1] = Self.twist(words[count - 1], words[0], words[396])
        }
        nextIndex = 0
    }

    /// One word of the regeneration: `far ^ (y >> 1) ^ (y odd ? 0x9908b0df : 0)` with `y` the top bit of
    /// `current` and the low 31 bits of `next`.
    @inline(__always)
    static func twist(_ current: SIMD8<UInt32>, _ next: SIMD8<UInt32>, _ far: SIMD8<UInt32>) -> SIMD8<UInt32> {
        typealias Lanes = SIMD8<UInt32>
        let y = (current & Lanes(repeating: 0x8000_0000)) | (next & Lanes(repeating: 0x7fff_ffff))
        let odd = y & Lanes(repeating: 1)
        return far ^ (y &>> Lanes(repeating: 1)) ^ ((Lanes.zero &- odd) & Lanes(repeating: 0x9908_b0df))
    }

    /// `twist` of one word.
    @inline(__always)
    static func twist(_ current: UInt32, _ next: UInt32, _ far: UInt32) -> UInt32 {
        let y = (current & 0x8000_0000) | (next & 0x7fff_ffff)
        return far ^ (y >> 1) ^ ((y & 1) != 0 ? 0x9908_b0df : 0)
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
