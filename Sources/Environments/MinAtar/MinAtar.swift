import Randomness

/// A configured MinAtar environment of a known game, made from its id: the way registrations create the games.
///
/// The cases are concrete so that batches are specialised for their game: stepping never goes through an
/// existential. Ids are `MinAtar/<Game>-v0` (all six actions) and `MinAtar/<Game>-v1` (the minimal set), for
/// the games Asterix, Breakout, Freeway, Seaquest and SpaceInvaders.
public enum MinAtar {
    case asterix(MinAtarEnvironment<Asterix>)
    case breakout(MinAtarEnvironment<Breakout>)
    case freeway(MinAtarEnvironment<Freeway>)
    case seaquest(MinAtarEnvironment<Seaquest>)
    case spaceInvaders(MinAtarEnvironment<SpaceInvaders>)

    /// The ten ids with a one-line description each.
    public static let registry: [(id: String, description: String)] = {
        let games: [(name: String, what: String, channels: Int, minimal: Int)] = [
            ("Asterix", "collect gold, dodge enemies", 4, 5),
            ("Breakout", "break bricks with a ball and a paddle", 4, 3),
            ("Freeway", "cross eight lanes of traffic, 2,501 steps", 7, 3),
            ("Seaquest", "shoot enemies, rescue divers, surface for air", 10, 6),
            ("SpaceInvaders", "shoot down the alien block", 6, 4),
        ]
        return games.flatMap { game in
            [
                ("MinAtar/\(game.name)-v0", "MinAtar \(game.what) (reference-exact; 10×10×\(game.channels), Discrete(6), sticky 0.1)"),
                (
                    "MinAtar/\(game.name)-v1",
                    "MinAtar \(game.what) (reference-exact; 10×10×\(game.channels), Discrete(\(game.minimal)) minimal actions)"
                ),
            ]
        }
    }()

    /// The environment for `id` (`MinAtar/<Game>-v0` or `-v1`); nil for another id. `maxSteps` adds a time limit
    /// (truncation); without it only the games themselves end episodes.
    public static func make(id: String, stickyActionProbability: Double = 0.1, difficultyRamping: Bool = true, maxSteps: Int? = nil) -> MinAtar? {
        let prefix = "MinAtar/"
        guard id.hasPrefix(prefix), id.hasSuffix("-v0") || id.hasSuffix("-v1") else { return nil }
        let minimal = id.hasSuffix("-v1")
        let name = id.dropFirst(prefix.count).dropLast(3)
        func environment<Game: MinAtarGame>(_ game: Game.Type) -> MinAtarEnvironment<Game> {
            MinAtarEnvironment(
                minimalActionSet: minimal, stickyActionProbability: stickyActionProbability, difficultyRamping: difficultyRamping,
                maxEpisodeSteps: maxSteps ?? .max)
        }
        switch name {
        case Asterix.name: return .asterix(environment(Asterix.self))
        case Breakout.name: return .breakout(environment(Breakout.self))
        case Freeway.name: return .freeway(environment(Freeway.self))
        case Seaquest.name: return .seaquest(environment(Seaquest.self))
        case SpaceInvaders.name: return .spaceInvaders(environment(SpaceInvaders.self))
        default: return nil
        }
    }

    /// The environment itself (a copy).
    public var environment: any Environment {
        switch self {
        case .asterix(let e): return e
        case .breakout(let e): return e
        case .freeway(let e): return e
        case .seaquest(let e): return e
        case .spaceInvaders(let e): return e
        }
    }

    /// `count` copies stepped together, seeded from `seed` on streams `stream ..< stream + count` (each copy seeds its
    /// MinAtar generator from its stream at its first reset).
    public func makeBatch(count: Int, seed: UInt64, stream: UInt64 = 0) -> any VectorEnvironment {
        switch self {
        case .asterix(let e): return EnvironmentBatch(e, count: count, seed: seed, stream: stream)
        case .breakout(let e): return EnvironmentBatch(e, count: count, seed: seed, stream: stream)
        case .freeway(let e): return EnvironmentBatch(e, count: count, seed: seed, stream: stream)
        case .seaquest(let e): return EnvironmentBatch(e, count: count, seed: seed, stream: stream)
        case .spaceInvaders(let e): return EnvironmentBatch(e, count: count, seed: seed, stream: stream)
        }
    }

    /// Runs one copy for `steps` steps with uniformly random actions, resetting when an episode ends; returns the
    /// number of finished episodes. Specialised per game, so it measures the game itself (for benchmarks).
    public func stepRandomly(steps: Int, using rng: inout RandomGenerator) -> Int {
        switch self {
        case .asterix(let e): return Self.stepRandomly(e, steps: steps, using: &rng)
        case .breakout(let e): return Self.stepRandomly(e, steps: steps, using: &rng)
        case .freeway(let e): return Self.stepRandomly(e, steps: steps, using: &rng)
        case .seaquest(let e): return Self.stepRandomly(e, steps: steps, using: &rng)
        case .spaceInvaders(let e): return Self.stepRandomly(e, steps: steps, using: &rng)
        }
    }

    private static func stepRandomly<Game: MinAtarGame>(_ prototype: MinAtarEnvironment<Game>, steps: Int, using rng: inout RandomGenerator) -> Int {
        var environment = prototype
        let actionCount = environment.minimalActionSet ? Game.minimalActions.count : 6
        var observation = [Float](repeating: 0, count: environment.observationSpace.size)
        var episodes = 0
        observation.withUnsafeMutableBufferPointer { buffer in
            environment.reset(using: &rng, observation: buffer)
            for _ in 0..<steps where environment.step(.discrete(rng.integer(below: actionCount)), observation: buffer).done {
                episodes += 1
                environment.reset(using: &rng, observation: buffer)
            }
        }
        return episodes
    }
}
