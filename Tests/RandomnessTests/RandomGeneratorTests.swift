import Randomness
import Testing

@Suite struct RandomGeneratorTests {
    @Test func sameSeedSameStream() {
        var a = RandomGenerator(seed: 42), b = RandomGenerator(seed: 42)
        for _ in 0..<100 { #expect(a.next() == b.next()) }
    }

    @Test func streamsDiffer() {
        var a = RandomGenerator(seed: 42, stream: 0), b = RandomGenerator(seed: 42, stream: 1)
        let xs = (0..<8).map { _ in a.next() }, ys = (0..<8).map { _ in b.next() }
        #expect(xs != ys)
    }

    @Test func stateRoundTrip() {
        var a = RandomGenerator(seed: 7)
        _ = a.next()
        var b = RandomGenerator(stateWords: a.stateWords)!
        #expect(a.next() == b.next())
        #expect(RandomGenerator(stateWords: [0, 0, 0, 0]) == nil)
    }

    @Test func rangesAndMoments() {
        var rng = RandomGenerator(seed: 1)
        var sum = 0.0, sumSquares = 0.0
        var counts = [0, 0, 0]
        for _ in 0..<100_000 {
            let u = rng.nextDouble()
            #expect(u >= 0 && u < 1)
            let n = rng.normal()
            sum += n; sumSquares += n * n
            counts[rng.integer(below: 3)] += 1
        }
        #expect(abs(sum / 100_000) < 0.02)
        #expect(abs(sumSquares / 100_000 - 1) < 0.02)
        #expect(counts.allSatisfy { abs(Double($0) / 100_000 - 1.0 / 3) < 0.01 })
    }
}
