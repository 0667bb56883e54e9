/// What one step returns besides the observation: the reward and the two ways an episode ends.
///
/// As in Gymnasium, `terminated` means the MDP reached a terminal state (do not bootstrap), and
/// `truncated` means a time limit cut the episode (bootstrap from the final observation). Both can be true.
public struct StepOutcome: Equatable, Sendable {
    public var reward: Double
    public var terminated: Bool
    public var truncated: Bool

    @inlinable
    public init(reward: Double, terminated: Bool, truncated: Bool) {
        self.reward = reward
        self.terminated = terminated
        self.truncated = truncated
    }

    /// True when the episode is over for either reason.
    @inlinable public var done: Bool { terminated || truncated }
}
