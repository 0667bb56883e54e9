/// What a gridworld task observes (suite keys `observation`, `view`, `previous_action`, `previous_reward`).
///
/// The vector is, in order:
/// 1. planes, channel-major: the whole map (`width·height` per channel: wall, goal, lava, key, door, agent),
///    or with `view: k` an egocentric k×k window centred on the agent (wall, goal, lava, key, door; the
///    agent is the centre cell; cells off the map read as wall). The window is not rotated: this
///    gridworld's agent has no heading and its actions are absolute moves (MiniGrid rotates its view
///    because its agent turns). `observation: no-goal` drops the goal plane, so the goal must be found;
/// 2. the has-key flag;
/// 3. with `previous_action: true`, the previous action one-hot (4 zeros at an episode's start);
/// 4. with `previous_reward: true`, the previous reward (0 at an episode's start).
///
/// Teh et al.'s Distral grid world observed the position, the previous action and the previous reward:
/// `observation: no-goal` with both flags.
public struct GridObservation: Equatable, Sendable {
    /// Which planes are shown.
    public enum Planes: String, Sendable, CaseIterable {
        case full
        case noGoal = "no-goal"
    }

    public var planes = Planes.full
    /// The side of the egocentric window (odd, ≥ 3), or nil for the whole map.
    public var view: Int?
    public var previousAction = false
    public var previousReward = false

    public init(planes: Planes = .full, view: Int? = nil, previousAction: Bool = false, previousReward: Bool = false) {
        self.planes = planes
        self.view = view
        self.previousAction = previousAction
        self.previousReward = previousReward
    }

    /// The suite keys that set it.
    static let keys: Set<String> = ["observation", "view", "previous_action", "previous_reward"]

    /// Reads the keys from a task's YAML fields.
    init(fields: [String: ConfigurationNode]) throws(ChorusError) {
        if let node = fields["observation"] { planes = try node.choice() }
        if let node = fields["view"] {
            let side = try node.int(in: 3...(2 * GridMap.maximumSide + 1))
            guard side % 2 == 1 else { throw node.error("view \(side) must be odd, so that the agent is the centre cell") }
            view = side
        }
        previousAction = try fields["previous_action"]?.bool() ?? false
        previousReward = try fields["previous_reward"]?.bool() ?? false
    }

    /// Whether the environment's state carries the previous action and reward.
    var remembersPrevious: Bool { previousAction || previousReward }
}
