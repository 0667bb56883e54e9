import NeuralNetworks

/// One task's transitions of a rollout, time-major: row `t·B + b` is step t of environment b.
///
/// Rewards are already multiplied by the task's reward scale, and a truncated episode's bootstrap
/// `γ·V(final observation)` is folded into its last reward with the discount set to 0; so the
/// estimators only ever see `γ_t = 0` at an episode's end, and never bootstrap past a termination.
public struct TaskRollout: Sendable {
    public var steps: Int
    public var environments: Int
    public var observations: Tensor
    /// The sampled actions (indices, or unclipped Gaussian samples), `actionSize` per row.
    public var actions: [Float]
    public var actionSize: Int
    /// `log μ(a_t|s_t)` of the behaviour policy at acting time.
    public var logProbabilities: [Double]
    public var rewards: [Double]
    public var discounts: [Double]
    /// Distral's reward regularisation `(α/β)·log π₀(a_t|s_t) − (1/β)·log π_i(a_t|s_t)`, already added to
    /// `rewards` (0 for other agents).
    public var regularization: [Double]
    /// Unnormalised `V(s_t)` at acting time.
    public var values: [Double]
    /// Unnormalised `V(s_T)`, one per environment.
    public var bootstrap: [Double]
    /// `s_T`, one row per environment (for a learner that re-evaluates the bootstrap with newer parameters).
    public var lastObservations: Tensor

    public init(steps: Int, environments: Int, observationSize: Int, actionSize: Int) {
        self.steps = steps
        self.environments = environments
        self.actionSize = actionSize
        let n = steps * environments
        observations = Tensor(rows: n, columns: observationSize)
        actions = Array(repeating: 0, count: n * actionSize)
        logProbabilities = Array(repeating: 0, count: n)
        rewards = Array(repeating: 0, count: n)
        discounts = Array(repeating: 0, count: n)
        regularization = Array(repeating: 0, count: n)
        values = Array(repeating: 0, count: n)
        bootstrap = Array(repeating: 0, count: environments)
        lastObservations = Tensor(rows: environments, columns: observationSize)
    }

    public var count: Int { steps * environments }
}
