import Randomness

/// A configured environment of a known type, from which batches are made.
///
/// The cases are concrete so that every batch is specialised for its environment type: stepping
/// never goes through an existential inside the hot loop.
public enum EnvironmentPrototype {
    case cartPole(CartPole)
    case acrobot(Acrobot)
    case mountainCar(MountainCar)
    case mountainCarContinuous(MountainCarContinuous)
    case pendulum(Pendulum)
    case gridworld(Gridworld)

    /// The environment ids Chorus knows, with a one-line description each.
    public static let registry: [(id: String, description: String)] = [
        ("CartPole-v1", "balance a pole on a cart (Gymnasium-exact; Discrete(2), 500 steps)"),
        ("Acrobot-v1", "swing a two-link arm above the bar (Gymnasium-exact; Discrete(3), 500 steps)"),
        ("MountainCar-v0", "rock a car up a hill (Gymnasium-exact; Discrete(3), 200 steps)"),
        ("MountainCarContinuous-v0", "rock a car up a hill with a continuous force (Gymnasium-exact; Box(1), 999 steps)"),
        ("Pendulum-v1", "swing a pendulum up and hold it (Gymnasium-exact; Box(1), 200 steps)"),
        ("Gridworld", "fully observed gridworld on a text map: walls, goal, lava, key, door (Discrete(4))"),
    ]

    /// The prototype for `id` with an optional time limit; gridworlds come from `gridworld(map:…)`.
    public static func classicControl(_ id: String, maxSteps: Int? = nil) -> EnvironmentPrototype? {
        switch id {
        case "CartPole-v1": return .cartPole(CartPole(maxEpisodeSteps: maxSteps ?? 500))
        case "Acrobot-v1": return .acrobot(Acrobot(maxEpisodeSteps: maxSteps ?? 500))
        case "MountainCar-v0": return .mountainCar(MountainCar(maxEpisodeSteps: maxSteps ?? 200))
        case "MountainCarContinuous-v0": return .mountainCarContinuous(MountainCarContinuous(maxEpisodeSteps: maxSteps ?? 999))
        case "Pendulum-v1": return .pendulum(Pendulum(maxEpisodeSteps: maxSteps ?? 200))
        default: return nil
        }
    }

    /// The environment itself (a copy).
    public var environment: any Environment {
        switch self {
        case .cartPole(let e): return e
        case .acrobot(let e): return e
        case .mountainCar(let e): return e
        case .mountainCarContinuous(let e): return e
        case .pendulum(let e): return e
        case .gridworld(let e): return e
        }
    }

    /// `count` copies stepped together, seeded from `seed` on streams `stream ..< stream + count`.
    public func makeBatch(count: Int, seed: UInt64, stream: UInt64 = 0) -> any VectorEnvironment {
        switch self {
        case .cartPole(let e): return EnvironmentBatch(e, count: count, seed: seed, stream: stream)
        case .acrobot(let e): return EnvironmentBatch(e, count: count, seed: seed, stream: stream)
        case .mountainCar(let e): return EnvironmentBatch(e, count: count, seed: seed, stream: stream)
        case .mountainCarContinuous(let e): return EnvironmentBatch(e, count: count, seed: seed, stream: stream)
        case .pendulum(let e): return EnvironmentBatch(e, count: count, seed: seed, stream: stream)
        case .gridworld(let e): return EnvironmentBatch(e, count: count, seed: seed, stream: stream)
        }
    }
}

extension EnvironmentPrototype {
    /// Runs one copy of the environment for `steps` steps with uniformly random actions, resetting when
    /// an episode ends; returns the number of finished episodes. The loop is specialised per type, so
    /// this measures the environment itself (for `chorus bench` and the random baseline).
    public func stepRandomly(steps: Int, using rng: inout RandomGenerator) -> Int {
        switch self {
        case .cartPole(let e): return Self.stepRandomly(e, steps: steps, using: &rng)
        case .acrobot(let e): return Self.stepRandomly(e, steps: steps, using: &rng)
        case .mountainCar(let e): return Self.stepRandomly(e, steps: steps, using: &rng)
        case .mountainCarContinuous(let e): return Self.stepRandomly(e, steps: steps, using: &rng)
        case .pendulum(let e): return Self.stepRandomly(e, steps: steps, using: &rng)
        case .gridworld(let e): return Self.stepRandomly(e, steps: steps, using: &rng)
        }
    }

    private static func stepRandomly<E: Environment>(_ prototype: E, steps: Int, using rng: inout RandomGenerator) -> Int {
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
