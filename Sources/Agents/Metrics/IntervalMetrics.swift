/// One log interval's statistics by the names RL practitioners know from CleanRL and Stable-Baselines3,
/// each task's under its own suffix: `charts/episodic_return/CartPole-v1`.
///
/// | name | meaning |
/// |---|---|
/// | `charts/episodic_return` | mean return (unscaled) of the episodes that ended in the interval |
/// | `charts/episodic_length` | their mean length in steps |
/// | `charts/success_rate` | the fraction that reached the goal or the task's solved return |
/// | `charts/SPS` | environment steps per second over the interval (all tasks; no suffix) |
/// | `losses/policy_loss`, `losses/value_loss`, `losses/entropy` | means over the interval's updates |
/// | `losses/approx_kl`, `losses/clipfrac` | the policy's drift from the acting policy, `E[(ρ − 1) − log ρ]`, and the fraction of samples with `|ρ − 1| > ε` |
/// | `losses/explained_variance` | `1 − Var(G − V)/Var(G)` of each rollout's returns and acting-time values |
/// | `distral/kl`, `distral/entropy` | Distral: KL(π_i ‖ π₀) and π₀'s entropy |
/// | `distillation/kl` | distillation: KL(teacher_τ ‖ student) over the interval's minibatches |
/// | `popart/mu`, `popart/sigma` | PopArt's statistics of the task's value targets |
///
/// Values that are not finite (no episode ended, no update yet) are left out.
public struct IntervalMetrics: Sendable {
    /// Environment steps (all tasks) at the end of the interval.
    public var step: Int
    /// The suite's task names, in order.
    public var tasks: [String]
    /// The number of episodes each task finished in the interval.
    public var episodes: [Int]
    public private(set) var scalars: [(name: String, value: Double)] = []

    public init(step: Int, tasks: [String]) {
        self.step = step
        self.tasks = tasks
        episodes = Array(repeating: 0, count: tasks.count)
    }

    /// The statistics every learner keeps, under their names: returns, lengths, success rate, losses and entropy.
    public mutating func add(_ statistics: TaskStatistics, task i: Int) {
        let task = tasks[i]
        episodes[i] = statistics.episodes
        add("charts/episodic_return", statistics.meanReturn, task: task)
        add("charts/episodic_length", statistics.meanLength, task: task)
        add("charts/success_rate", statistics.successRate, task: task)
        add("losses/policy_loss", statistics.meanPolicyLoss, task: task)
        add("losses/value_loss", statistics.meanValueLoss, task: task)
        add("losses/entropy", statistics.meanEntropy, task: task)
    }

    /// Adds `value` under `name`, suffixed with `/task` when given; skips values that are not finite.
    public mutating func add(_ name: String, _ value: Double, task: String? = nil) {
        guard value.isFinite else { return }
        scalars.append((task.map { "\(name)/\($0)" } ?? name, value))
    }

    /// The value of a name (with its task suffix), if it was added.
    public func value(_ name: String) -> Double? { scalars.first { $0.name == name }?.value }

    /// The value of `name` for task i, if it was added.
    public func value(_ name: String, task i: Int) -> Double? { value("\(name)/\(tasks[i])") }
}
