import Agents
import Foundation
import Testing

/// V-trace and GAE against rlax's golden vectors and the hand examples of algorithms.md §3.7.
@Suite struct EstimatorTests {
    func close(_ a: [Double], _ b: [Double], _ tolerance: Double = 1e-6) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
    }

    func logSoftmax(_ z: [Double]) -> [Double] {
        let m = z.max()!
        let l = log(z.reduce(0) { $0 + exp($1 - m) }) + m
        return z.map { $0 - l }
    }

    @Test func vtraceMatchesRlaxGoldenVectors() {
        let behaviour = [[[8.9, 0.7], [5.0, 1.0], [0.6, 0.1], [-0.9, -0.1]], [[0.3, -5.0], [1.0, -8.0], [0.3, 1.7], [4.7, 3.3]]]
        let target = [[[0.4, 0.5], [9.2, 8.8], [0.7, 4.4], [7.9, 1.4]], [[1.0, 0.9], [1.0, -1.0], [-4.3, 8.7], [0.8, 0.3]]]
        let actions = [[0, 1, 0, 0], [1, 0, 0, 1]]
        let rewards = [[-1.3, -1.3, 2.3, 42.0], [1.3, 5.3, -3.3, -5.0]]
        let discounts = [[0, 0.89, 0.85, 0.99], [0.88, 1, 0.83, 0.95]]
        let values = [[2.1, 1.1, -3.1, 0.0], [3.1, 0.1, -1.1, 7.4]]
        let bootstrap = [8.4, -1.2]
        let expected = [[-1.6155143, -3.4973224, 1.8670535, 50.316], [1.4662434, 3.6116402, -8.33692e-5, -13.54]]
        for s in 0..<2 {
            let logRhos = (0..<4).map { t in logSoftmax(target[s][t])[actions[s][t]] - logSoftmax(behaviour[s][t])[actions[s][t]] }
            let (vs, pg) = VTrace.compute(
                logRhos: logRhos, discounts: discounts[s], rewards: rewards[s], values: values[s], bootstrap: [bootstrap[s]])
            let differences = zip(vs, values[s]).map { $0 - $1 }
            #expect(close(differences, expected[s], 1e-5), "sequence \(s): \(differences)")
            #expect(close(pg, expected[s], 1e-5))
        }
    }

    @Test func vtraceHandExamples() {
        let r = [1.0, 0, 2], v = [0.5, 1.0, 1.5]
        let offPolicy = VTrace.compute(logRhos: [log(0.5), log(2.0), 0], discounts: [0.9, 0.9, 0.9], rewards: r, values: v, bootstrap: [2])
        #expect(close(offPolicy.targets, [2.289, 3.42, 3.8]) && close(offPolicy.advantages, [1.789, 2.42, 2.3]))
        let onPolicy = VTrace.compute(logRhos: [0, 0, 0], discounts: [0.9, 0.9, 0.9], rewards: r, values: v, bootstrap: [2])
        #expect(close(onPolicy.targets, [4.078, 3.42, 3.8]), "on-policy V-trace is the n-step return")
        let terminated = VTrace.compute(logRhos: [0, 0, 0], discounts: [0.9, 0, 0.9], rewards: r, values: v, bootstrap: [2])
        #expect(close(terminated.targets, [1.0, 0.0, 3.8]))
    }

    @Test func gaeMatchesTheTable() {
        let r = [1.0, 0, 2], v = [0.5, 1.0, 1.5]
        func gae(_ lambda: Double, _ discounts: [Double] = [0.9, 0.9, 0.9]) -> [Double] {
            GAE.compute(discounts: discounts, rewards: r, values: v, bootstrap: [2], lambda: lambda).advantages
        }
        #expect(close(gae(0), [1.4, 0.35, 2.3]))
        #expect(close(gae(0.95), [3.3806075, 2.3165, 2.3]))
        #expect(close(gae(1), [3.578, 2.42, 2.3]))
        #expect(close(gae(0.95, [0.9, 0, 0.9]), [0.545, -1.0, 2.3]))
        let targets = GAE.compute(discounts: [0.9, 0.9, 0.9], rewards: r, values: v, bootstrap: [2], lambda: 1).targets
        #expect(close(targets, [4.078, 3.42, 3.8]), "λ = 1 targets are the n-step returns")
    }

    @Test func batchesScanEachEnvironmentIndependently() {
        // Two environments interleaved time-major give the same answers as each alone.
        let a = GAE.compute(discounts: [0.9, 0.9, 0.9], rewards: [1, 0, 2], values: [0.5, 1, 1.5], bootstrap: [2], lambda: 0.95)
        let b = GAE.compute(discounts: [0.9, 0, 0.9], rewards: [3, 1, 0], values: [0, 2, 1], bootstrap: [-1], lambda: 0.95)
        let both = GAE.compute(
            discounts: [0.9, 0.9, 0.9, 0, 0.9, 0.9], rewards: [1, 3, 0, 1, 2, 0], values: [0.5, 0, 1, 2, 1.5, 1],
            bootstrap: [2, -1], lambda: 0.95)
        #expect(both.advantages == [a.advantages[0], b.advantages[0], a.advantages[1], b.advantages[1], a.advantages[2], b.advantages[2]])
    }
}
