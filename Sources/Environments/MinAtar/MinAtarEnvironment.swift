import Randomness

/// A MinAtar game behind the reference's `Environment` wrapper, exact with MinAtar 1.0.15 (random numbers included).
///
/// Ids `MinAtar/<Game>-v0` (all six actions: 0 no-op, 1 left, 2 up, 3 right, 4 down, 5 fire) and
/// `MinAtar/<Game>-v1` (the game's minimal set; action `i` is `Game.minimalActions[i]`).
/// Observation `Box(0, 1, [10, 10, C])` of 0/1 cells, flattened as `(row·10 + column)·C + channel`, row 0 at
/// the top. Rewards are whole numbers ≥ 0, unclipped. `terminated` when the game ends (Freeway's built-in
/// 2,501-step end included); `truncated` only by `maxEpisodeSteps`, which is unlimited unless given.
///
/// Each step first draws `rand()` and repeats the previous executed action when it is below
/// `stickyActionProbability` (the draw is made even with probability 0 and after the game has ended);
/// the last action survives resets. Sticky draws and the game share one `LegacyRandomState`.
///
/// Seeding: `seed(s)` then `reset()` is the reference protocol (`env.seed(s); env.reset()`), and later
/// resets continue the same stream. Through the `Environment` protocol, the first `reset(using:)` of an
/// environment that was never seeded seeds it with the high 32 bits of one draw of the caller's generator (so each lane of
/// a batch gets its own reproducible MinAtar stream); every later reset ignores the caller's generator and
/// continues the game's own stream, as the reference does.
public struct MinAtarEnvironment<Game: MinAtarGame>: Environment {
    /// The game's state.
    public var game: Game
    /// The one generator of the sticky draws and the game.
    public var random: LegacyRandomState
    /// False until `seed` (or the first `reset(using:)`) has seeded `random`.
    public private(set) var isSeeded = false
    /// The action executed last (after the sticky substitution), in the full action set.
    public var lastAction = 0
    /// The probability of repeating the last action instead of the chosen one.
    public let stickyActionProbability: Double
    /// Whether the game speeds up as it goes (Asterix, Seaquest, Space Invaders).
    public let difficultyRamping: Bool
    /// True for `-v1` (the minimal action set), false for `-v0` (all six actions).
    public let minimalActionSet: Bool
    public var maxEpisodeSteps: Int
    public var elapsedSteps = 0

    /// The number of values of `state` before the game's own: seeded flag, last action, generator position, 624 key words.
    public static var headerCount: Int { 3 + LegacyRandomState.keyCount }

    public init(
        minimalActionSet: Bool = false, stickyActionProbability: Double = 0.1, difficultyRamping: Bool = true,
        maxEpisodeSteps: Int = .max
    ) {
        self.minimalActionSet = minimalActionSet
        self.stickyActionProbability = stickyActionProbability
        self.difficultyRamping = difficultyRamping
        self.maxEpisodeSteps = maxEpisodeSteps
        self.game = Game()
        self.random = LegacyRandomState(seed: 0)
    }

    public var id: String { "MinAtar/\(Game.name)-\(minimalActionSet ? "v1" : "v0")" }
    public var actionSpace: Space { .discrete(minimalActionSet ? Game.minimalActions.count : 6) }
    /// `noop`, `left`, `up`, `right`, `down`, `fire` (`-v0`), or the minimal set's subset in its order (`-v1`).
    public var actionNames: [String] {
        let names = ["noop", "left", "up", "right", "down", "fire"]
        return minimalActionSet ? Game.minimalActions.map { names[$0] } : names
    }
    public var observationSpace: Box { Box(low: 0, high: 1, shape: [10, 10, Game.channelCount]) }

    /// Replaces the generator by `numpy.random.RandomState(seed)`; the game is not reset (call `reset()` next).
    public mutating func seed(_ seed: UInt32) {
        random = LegacyRandomState(seed: seed)
        isSeeded = true
    }

    /// The reference's `reset()`: a new game from the environment's own generator (no sticky draw; the last action stays).
    public mutating func reset() {
        game.reset(random: &random)
        elapsedSteps = 0
    }

    /// The reference's `act(a)` with `action` in the full set 0…5: the sticky draw, then the game's step
    /// unless it has ended; returns the reward and whether the game has ended.
    @inlinable
    public mutating func act(_ action: Int) -> (reward: Int, terminal: Bool) {
        let executed = random.rand() < stickyActionProbability ? lastAction : action
        lastAction = executed
        if game.isTerminal { return (0, true) }
        let reward = game.step(action: executed, ramping: difficultyRamping, random: &random)
        return (reward, game.isTerminal)
    }

    public mutating func reset(using rng: inout RandomGenerator, observation: UnsafeMutableBufferPointer<Float>) {
        if !isSeeded { seed(UInt32(truncatingIfNeeded: rng.next() >> 32)) }
        reset()
        observe(into: observation)
    }

    @inlinable
    public mutating func step(_ action: Action, observation: UnsafeMutableBufferPointer<Float>) -> StepOutcome {
        let index = action.index
        let actions = minimalActionSet ? Game.minimalActions.count : 6
        precondition(index >= 0 && index < actions, "action \(index) is outside \(id)'s Discrete(\(actions))")
        let (reward, terminal) = act(minimalActionSet ? Game.minimalActions[index] : index)
        observe(into: observation)
        return StepOutcome(reward: Double(reward), terminated: terminal, truncated: tickTimeLimit())
    }

    /// Always inlined, as is each game's `observe`, so the game is read in place instead of being copied for each call.
    @inlinable @inline(__always)
    public func observe(into observation: UnsafeMutableBufferPointer<Float>) {
        observation.update(repeating: 0)
        game.observe(into: MinAtarObservation(cells: observation, channels: Game.channelCount))
    }

    /// Seeded flag, last action, generator position and key, then the game's values (see each game).
    public var state: [Double] {
        get {
            var values: [Double] = []
            values.reserveCapacity(Self.headerCount + Game.stateCount)
            values.append(isSeeded ? 1 : 0)
            values.append(Double(lastAction))
            values.append(Double(random.position))
            for word in random.keyWords { values.append(Double(word)) }
            game.write(to: &values)
            return values
        }
        set {
            switch Self.decode(newValue) {
            case .success(let decoded):
                (isSeeded, lastAction, random, game) = decoded
            case .failure(let problem):
                preconditionFailure("invalid \(id) state: \(problem)")
            }
        }
    }

    public func stateProblem(_ state: [Double]) -> String? {
        if case .failure(let problem) = Self.decode(state) { return problem.description }
        return nil
    }

    static func decode(_ values: [Double]) -> Result<(Bool, Int, LegacyRandomState, Game), MinAtarStateError> {
        let expected = headerCount + Game.stateCount
        guard values.count == expected else {
            return .failure(MinAtarStateError("\(values.count) state values where MinAtar \(Game.name) has \(expected)"))
        }
        var reader = MinAtarStateReader(values[...])
        do throws(MinAtarStateError) {
            let seeded = try reader.flag("seeded flag")
            let last = try reader.integer("last action", in: 0...5)
            let position = try reader.integer("generator position", in: 0...LegacyRandomState.keyCount)
            var words: [UInt32] = []
            words.reserveCapacity(LegacyRandomState.keyCount)
            for i in 0..<LegacyRandomState.keyCount {
                words.append(UInt32(try reader.integer("generator word \(i)", in: 0...Int(UInt32.max))))
            }
            let game = try Game(reading: &reader)
            guard reader.remaining == 0 else { throw MinAtarStateError("\(reader.remaining) values left over") }
            return .success((seeded, last, LegacyRandomState(keyWords: words, position: position)!, game))
        } catch {
            return .failure(error)
        }
    }

    /// Each cell coloured by its highest set channel (the reference's palette) on black; the dark colours get a light
    /// rim. As text, each cell shows its highest channel's glyph (`Game.glyphs`) or `.`.
    public func scene() -> Scene {
        let channels = Game.channelCount
        var cells = [Float](repeating: 0, count: 100 * channels)
        cells.withUnsafeMutableBufferPointer { observe(into: $0) }
        var shapes: [Scene.Shape] = []
        var text = Array(repeating: Array(repeating: Character("."), count: 10), count: 10)
        let glyphs = Game.glyphs
        for row in 0..<10 {
            for column in 0..<10 {
                guard let channel = (0..<channels).last(where: { cells[(row * 10 + column) * channels + $0] != 0 }) else { continue }
                text[row][column] = glyphs[channel]
                let color = Game.palette[channel]
                let cell = Scene.Rect(x: Double(column), y: Double(row), width: 1, height: 1)
                let luminance = 0.299 * Double(color.r) + 0.587 * Double(color.g) + 0.114 * Double(color.b)
                if luminance < 80 {
                    shapes.append(.rectangle(cell, Color(170, 170, 170)))
                    shapes.append(.rectangle(Scene.Rect(x: cell.x + 0.08, y: cell.y + 0.08, width: 0.84, height: 0.84), color))
                } else {
                    shapes.append(.rectangle(cell, color))
                }
            }
        }
        return Scene(bounds: .init(x: 0, y: 0, width: 10, height: 10), yDown: true, background: .black, shapes: shapes, text: text.map { String($0) })
    }
}
