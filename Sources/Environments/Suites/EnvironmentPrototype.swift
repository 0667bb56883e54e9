import Randomness

/// A configured environment from which batches are made, whatever its type.
///
/// Made from a concrete environment at its registration (`EnvironmentPrototype(CartPole(…))`); the
/// initialiser is inlined there, so the batch's step loop and `stepRandomly` are compiled for that type:
/// stepping never goes through an existential inside the hot loop.
public struct EnvironmentPrototype: @unchecked Sendable {
    /// The environment itself (a copy).
    public let environment: any Environment
    @usableFromInline let batchMaker: (_ count: Int, _ seed: UInt64, _ stream: UInt64) -> any VectorEnvironment
    @usableFromInline let randomRunner: (_ steps: Int, _ rng: inout RandomGenerator) -> Int

    /// A prototype of `environment`'s type and settings.
    @inlinable @inline(__always)
    public init<E: Environment>(_ environment: E) {
        self.environment = environment
        batchMaker = { count, seed, stream in EnvironmentBatch(environment, count: count, seed: seed, stream: stream) }
        randomRunner = { steps, rng in Self.stepRandomly(environment, steps: steps, using: &rng) }
    }

    /// `count` copies stepped together, seeded from `seed` on streams `stream ..< stream + count`.
    public func makeBatch(count: Int, seed: UInt64, stream: UInt64 = 0) -> any VectorEnvironment { batchMaker(count, seed, stream) }

    /// Runs one copy of the environment for `steps` steps with uniformly random actions, resetting when
    /// an episode ends; returns the number of finished episodes. The loop is compiled for the environment's
    /// type, so this measures the environment itself (for `chorus bench` and the random baseline).
    public func stepRandomly(steps: Int, using rng: inout RandomGenerator) -> Int { randomRunner(steps, &rng) }

    @usableFromInline
    static func stepRandomly<E: Environment>(_ prototype: E, steps: Int, using rng: inout RandomGenerator) -> Int {
        var environment = prototype
        let space = environment.actionSpace
        var observation = [Float](repeating: 0, count: environment.observationSpace.size)
        var action = [Float](repeating: 0, count: space.flatSize)
        var episodes = 0
        observation.withUnsafeMutableBufferPointer { obs in
            action.withUnsafeMutableBufferPointer { act in
                environment.reset(using: &rng, observation: obs)
                let discrete: Bool
                if case .discrete = space { discrete = true } else { discrete = false }
                for _ in 0..<steps {
                    space.sample(into: act, using: &rng)
                    let outcome = environment.step(discrete ? .discrete(Int(act[0])) : .continuous(UnsafeBufferPointer(act)), observation: obs)
                    if outcome.done {
                        episodes += 1
                        environment.reset(using: &rng, observation: obs)
                    }
                }
            }
        }
        return episodes
    }
}
