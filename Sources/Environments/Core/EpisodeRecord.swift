/// One finished episode of one environment in a batch.
public struct EpisodeRecord: Equatable, Sendable {
    /// Which environment of the batch it ran in.
    public var environment: Int
    /// The sum of the environment's own rewards (before any task reward scale).
    public var totalReward: Double
    public var length: Int
    public var terminated: Bool
    public var truncated: Bool
    public var goalReached: Bool

    public init(environment: Int, totalReward: Double, length: Int, terminated: Bool, truncated: Bool, goalReached: Bool) {
        self.environment = environment
        self.totalReward = totalReward
        self.length = length
        self.terminated = terminated
        self.truncated = truncated
        self.goalReached = goalReached
    }

    /// A success: the goal was reached, or the return reached `solvedReturn` (for tasks without a goal state).
    public func succeeded(solvedReturn: Double) -> Bool { goalReached || totalReward >= solvedReturn }
}
