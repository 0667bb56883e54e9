import Randomness
import Testing

/// `LegacyRandomState` against NumPy's `RandomState` (vectors from the MinAtar specification §4 and NumPy 2.x).
@Suite struct LegacyRandomStateTests {
    @Test func seedingFillsTheKeyLikeInitGenrand() {
        let generator = LegacyRandomState(seed: 0)
        let key = generator.keyWords
        #expect(key.count == 624)
        #expect(Array(key[0..<3]) == [0, 1, 1_812_433_255])
        #expect(key[623] == 1_796_872_496)
        #expect(generator.position == 624)
        #expect(generator.wordsConsumed == 0)
    }

    @Test func firstWordsOfSeedZero() {
        var generator = LegacyRandomState(seed: 0)
        let words = (0..<5).map { _ in generator.next32() }
        #expect(words == [2_357_136_044, 2_546_248_239, 3_071_714_933, 3_626_093_760, 2_588_848_963])
        #expect(generator.wordsConsumed == 5)
        #expect(generator.position == 5)
    }

    @Test func randUsesTwoWordsAndFiftyThreeBits() {
        var generator = LegacyRandomState(seed: 0)
        #expect(generator.rand() == 0.548_813_503_927_324_8)
        #expect(generator.rand() == 0.715_189_366_372_419_5)
        #expect(generator.rand() == 0.602_763_376_071_643_9)
        #expect(generator.wordsConsumed == 6)
        var largest = LegacyRandomState(seed: 4_294_967_295)
        #expect(largest.rand() == 0.097_632_028_994_013_8)
    }

    @Test func randAcrossARegeneration() {
        var generator = LegacyRandomState(seed: 1)
        for _ in 0..<700 { _ = generator.rand() }
        #expect(generator.rand() == 0.138_354_689_792_946_52)
        #expect(generator.position == 154)
        #expect(generator.wordsConsumed == 1402)
    }

    @Test func randintIsMaskedRejection() {
        var generator = LegacyRandomState(seed: 0)
        let values = (0..<8).map { _ in generator.randint(1, 6) }
        #expect(values == [5, 1, 4, 4, 4, 2, 4, 3])
        #expect(generator.wordsConsumed == 12)  // four rejections
        #expect(generator.rand() == 0.437_587_211_262_692_5)

        var other = LegacyRandomState(seed: 42)
        #expect(other.randint(2) == 0)
        #expect(other.randint(1, 9) == 4)
        #expect(other.randint(3) == 0)
        #expect(other.randint(1) == 0)
        #expect(other.wordsConsumed == 3)  // a single value consumes nothing
        #expect(other.randint(7) == 6)
        #expect(other.wordsConsumed == 4)
    }

    @Test func savedStateContinuesTheStream() {
        var generator = LegacyRandomState(seed: 9)
        for _ in 0..<1000 { _ = generator.next32() }
        var restored = LegacyRandomState(keyWords: generator.keyWords, position: generator.position)!
        for _ in 0..<1000 { #expect(restored.next32() == generator.next32()) }
        #expect(LegacyRandomState(keyWords: [1, 2, 3], position: 0) == nil)
        #expect(LegacyRandomState(keyWords: generator.keyWords, position: 625) == nil)
    }

    @Test func copiesAreIndependentValues() {
        var original = LegacyRandomState(seed: 3)
        var copy = original
        let first = original.next32()
        _ = original.next32()
        #expect(copy.next32() == first)
        #expect(copy.wordsConsumed == 1)
    }
}
