import Randomness

/// The rules of one MinAtar game, stepped by `MinAtarEnvironment` (which adds sticky actions and the shared generator).
///
/// Actions are MinAtar's full set: 0 no-op, 1 left, 2 up, 3 right, 4 down, 5 fire. Every random draw comes
/// from the environment's one `LegacyRandomState`, in the reference's order.
public protocol MinAtarGame: Equatable, Sendable {
    /// The name in environment ids, e.g. `SpaceInvaders`.
    static var name: String { get }
    /// The reference's name, e.g. `space_invaders`.
    static var referenceName: String { get }
    /// The observation channels' names, in channel order (MinAtar's, spelling included).
    static var channelNames: [String] { get }
    /// The reference's minimal action set (the actions of `-v1`, in order).
    static var minimalActions: [Int] { get }
    /// The colour of each channel (seaborn's cubehelix palette, as the reference draws them).
    static var palette: [Color] { get }
    /// The number of values `write(to:)` appends (the same for every state).
    static var stateCount: Int { get }

    /// A game in its reset state, made without drawing (games whose reset draws finish it in `reset`).
    init()
    /// Reads a state written by `write(to:)`, checking every value.
    init(reading reader: inout MinAtarStateReader) throws(MinAtarStateError)

    /// True once the game has ended.
    var isTerminal: Bool { get }
    /// The difficulty level reached (nil for games without ramping).
    var rampIndex: Int? { get }

    /// Starts a new game, drawing from `random` as the reference does.
    mutating func reset(random: inout LegacyRandomState)
    /// One step of a game that has not ended; returns the reward.
    mutating func step(action: Int, ramping: Bool, random: inout LegacyRandomState) -> Int
    /// Sets the observation's true cells (the buffer is already zero).
    func observe(into grid: MinAtarObservation)
    /// Appends the state's `stateCount` values.
    func write(to values: inout [Double])
}

extension MinAtarGame {
    /// The number of observation channels.
    public static var channelCount: Int { channelNames.count }

    /// One character per channel for text views: the first letter of its name not taken by an earlier channel
    /// (`paddle` P, `ball` B, `trail` T, `brick` R in Breakout).
    public static var glyphs: [Character] {
        var taken: Set<Character> = [".", "_"]
        return channelNames.map { name in
            let glyph = name.uppercased().first { !taken.contains($0) } ?? "?"
            taken.insert(glyph)
            return glyph
        }
    }
    public var rampIndex: Int? { nil }
}
