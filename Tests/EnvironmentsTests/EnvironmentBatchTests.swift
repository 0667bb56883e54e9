import Environments
import Randomness
import TestSupport
import Testing

@Suite struct EnvironmentBatchTests {
    @Test func autoResetKeepsTheFinalObservation() {
        let batch = EnvironmentBatch(CartPole(), count: 4, seed: 9)
        var reference = batch.environments  // step copies by hand to know the true final observations
        var rng = RandomGenerator(seed: 1)
        var episodes = 0
        for _ in 0..<200 {
            let actions = (0..<4).map { _ in Float(rng.integer(below: 2)) }
            actions.withUnsafeBufferPointer { batch.step(actions: $0) }
            for i in 0..<4 {
                let (obs, outcome) = reference[i].step(Int(actions[i]))
                #expect(batch.rewards[i] == outcome.reward && batch.terminated[i] == outcome.terminated)
                if outcome.done {
                    episodes += 1
                    #expect(Array(batch.finalObservations[(i * 4)..<(i * 4 + 4)]) == obs)
                    let fresh = Array(batch.observations[(i * 4)..<(i * 4 + 4)])
                    #expect(fresh.allSatisfy { abs($0) <= 0.05 }, "the next episode starts in the same step")
                    reference[i] = batch.environments[i]
                } else {
                    #expect(Array(batch.observations[(i * 4)..<(i * 4 + 4)]) == obs)
                }
            }
        }
        let records = batch.takeFinishedEpisodes()
        #expect(records.count == episodes && episodes > 4)
        #expect(records.allSatisfy { $0.terminated && $0.totalReward == Double($0.length) })
        #expect(batch.takeFinishedEpisodes().isEmpty)
    }

    @Test func truncationIsBookedSeparately() {
        let world = Gridworld.fromText("#####\n#A.G#\n#####", maxEpisodeSteps: 2)
        let batch = EnvironmentBatch(world, count: 2, seed: 0)
        let stay: [Float] = [0, 0]
        stay.withUnsafeBufferPointer { batch.step(actions: $0) }
        stay.withUnsafeBufferPointer { batch.step(actions: $0) }
        #expect(batch.truncated == [true, true] && batch.terminated == [false, false])
        let records = batch.takeFinishedEpisodes()
        #expect(records.map(\.length) == [2, 2] && records.allSatisfy { $0.truncated && !$0.goalReached })
    }

    @Test func continuousActionsAreRead() {
        let batch = EnvironmentBatch(Pendulum(), count: 2, seed: 3)
        var copy = batch.environments[1]
        let actions: [Float] = [2, -1.5]
        actions.withUnsafeBufferPointer { batch.step(actions: $0) }
        #expect(Array(batch.observations[3..<6]) == copy.step([-1.5]).observation)
    }

    /// Same seed → same trajectory for every task of every catalogue suite; another seed → another one.
    @Test func everyCatalogueTaskIsDeterministic() throws {
        let catalogue = Catalogue.repository
        for suiteName in catalogue.suiteNames {
            for (t, task) in try catalogue.loadSuite(suiteName).tasks.enumerated() {
                func trajectory(seed: UInt64) -> [Float] {
                    let batch = task.prototype.makeBatch(count: 3, seed: seed, stream: UInt64(t) << 16)
                    var rng = RandomGenerator(seed: seed, stream: 99)
                    var seen: [Float] = []
                    for _ in 0..<50 {
                        batch.stepRandomly(steps: 7, using: &rng)
                        seen += batch.observations + batch.rewards.map { Float($0) }
                    }
                    return seen
                }
                #expect(trajectory(seed: 5) == trajectory(seed: 5), "\(suiteName)/\(task.name)")
                #expect(trajectory(seed: 5) != trajectory(seed: 6), "\(suiteName)/\(task.name) ignores the seed")
            }
        }
    }

    @Test func randomActionsStayInTheSpace() {
        var rng = RandomGenerator(seed: 4)
        var out: [Float] = [0, 0]
        let box = Space.box(Box(low: [-2, 0], high: [2, 1]))
        for _ in 0..<1000 {
            out.withUnsafeMutableBufferPointer { box.sample(into: $0, using: &rng) }
            #expect(out[0] >= -2 && out[0] <= 2 && out[1] >= 0 && out[1] <= 1)
        }
    }
}
