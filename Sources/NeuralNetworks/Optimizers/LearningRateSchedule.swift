/// A learning rate as a function of training progress.
public enum LearningRateSchedule: Equatable, Sendable {
    case constant(Double)
    /// From `initial` to `final` linearly over `steps` (then `final`): `initial·(1 − f) + final·f` with
    /// `f = min(step/steps, 1)`, so a schedule to 0 is exactly `initial·(1 − f)`.
    case linear(initial: Double, final: Double, steps: Int)

    /// The rate after `step` steps.
    public func rate(at step: Int) -> Double {
        switch self {
        case .constant(let rate):
            return rate
        case .linear(let initial, let final, let steps):
            guard steps > 0 else { return final }
            let fraction = min(max(Double(step) / Double(steps), 0), 1)
            return initial * (1 - fraction) + final * fraction
        }
    }
}
