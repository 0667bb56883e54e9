/// A learning rate as a function of training progress.
public enum LearningRateSchedule: Equatable, Sendable {
    case constant(Float)
    /// From `initial` to `final` linearly over `steps` (then `final`).
    case linear(initial: Float, final: Float, steps: Int)

    /// The rate after `step` steps.
    public func rate(at step: Int) -> Float {
        switch self {
        case .constant(let rate):
            return rate
        case .linear(let initial, let final, let steps):
            guard steps > 0 else { return final }
            let fraction = min(max(Double(step) / Double(steps), 0), 1)
            return Float(Double(initial) + (Double(final) - Double(initial)) * fraction)
        }
    }
}
