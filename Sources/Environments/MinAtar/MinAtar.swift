/// The five MinAtar games (Young & Tian 2019) by id, and their environment family.
///
/// Ids are `MinAtar/<Game>-v0` (all six actions) and `MinAtar/<Game>-v1` (the game's minimal set), for the
/// games Asterix, Breakout, Freeway, Seaquest and SpaceInvaders. Suite tasks may set `sticky_action_prob`
/// (0…1, default 0.1) and `difficulty_ramping` (default true); `max_steps` adds a time limit (truncation),
/// without which only the games themselves end episodes.
public enum MinAtar {
    /// The ten ids with a one-line description each.
    public static let registry: [(id: String, description: String)] = games.flatMap { game in
        [
            ("MinAtar/\(game.name)-v0", "MinAtar \(game.what) (reference-exact; 10×10×\(game.channels), Discrete(6), sticky 0.1)"),
            ("MinAtar/\(game.name)-v1", "MinAtar \(game.what) (reference-exact; 10×10×\(game.channels), Discrete(\(game.minimal)) minimal actions)"),
        ]
    }

    /// The environment for `id`; nil for another id.
    public static func make(id: String, stickyActionProbability: Double = 0.1, difficultyRamping: Bool = true, maxSteps: Int? = nil)
        -> EnvironmentPrototype?
    {
        let prefix = "MinAtar/"
        guard id.hasPrefix(prefix), id.hasSuffix("-v0") || id.hasSuffix("-v1") else { return nil }
        let name = id.dropFirst(prefix.count).dropLast(3)
        guard let game = games.first(where: { $0.name == name }) else { return nil }
        return game.make(
            Settings(
                minimalActionSet: id.hasSuffix("-v1"), stickyActionProbability: stickyActionProbability,
                difficultyRamping: difficultyRamping, maxEpisodeSteps: maxSteps ?? .max))
    }

    /// How a task configures its game.
    struct Settings {
        var minimalActionSet: Bool, stickyActionProbability: Double, difficultyRamping: Bool, maxEpisodeSteps: Int
    }

    /// Each game with its description, channel and minimal action counts, and its prototype (named concretely,
    /// so that its batches step specialised code).
    private static let games: [(name: String, what: String, channels: Int, minimal: Int, make: @Sendable (Settings) -> EnvironmentPrototype)] = [
        ("Asterix", "collect gold, dodge enemies", 4, 5, { EnvironmentPrototype(MinAtarEnvironment<Asterix>($0)) }),
        ("Breakout", "break bricks with a ball and a paddle", 4, 3, { EnvironmentPrototype(MinAtarEnvironment<Breakout>($0)) }),
        ("Freeway", "cross eight lanes of traffic, 2,501 steps", 7, 3, { EnvironmentPrototype(MinAtarEnvironment<Freeway>($0)) }),
        ("Seaquest", "shoot enemies, rescue divers, surface for air", 10, 6, { EnvironmentPrototype(MinAtarEnvironment<Seaquest>($0)) }),
        ("SpaceInvaders", "shoot down the alien block", 6, 4, { EnvironmentPrototype(MinAtarEnvironment<SpaceInvaders>($0)) }),
    ]
}

extension MinAtarEnvironment {
    init(_ settings: MinAtar.Settings) {
        self.init(
            minimalActionSet: settings.minimalActionSet, stickyActionProbability: settings.stickyActionProbability,
            difficultyRamping: settings.difficultyRamping, maxEpisodeSteps: settings.maxEpisodeSteps)
    }
}

extension EnvironmentFamily {
    /// MinAtar's five games, exact to MinAtar 1.0.15 (traces in `Tests/Fixtures/minatar`).
    public static let minAtar = EnvironmentFamily(
        members: MinAtar.registry.map { entry in Member(id: entry.id, description: entry.description) { MinAtar.make(id: entry.id)! } },
        taskKeys: ["sticky_action_prob", "difficulty_ramping"]
    ) { request throws(ChorusError) in
        let sticky = try request.fields["sticky_action_prob"]?.double(in: 0...1) ?? 0.1
        let ramping = try request.fields["difficulty_ramping"]?.bool() ?? true
        return MinAtar.make(id: request.spec.env, stickyActionProbability: sticky, difficultyRamping: ramping, maxSteps: request.spec.maxSteps)!
    }
}
