import NeuralNetworks

/// The one optimisation step every learner ends its update with, in this order:
///
/// 1. the learning rate from the schedule at the current environment step;
/// 2. gradient reduction across workers (`reduceGradients`: the identity in one process, where an
///    all-reduce plugs in for data-parallel training);
/// 3. clipping to a global norm, `g ← g·min(1, c/‖g‖)` over every parameter (c = `max_grad_norm`, 0 = off);
/// 4. a finite check: a non-finite norm stops training before any parameter moves;
/// 5. the optimizer's step.
public struct OptimizationStep {
    public let optimizer: any Optimizer
    public let schedule: LearningRateSchedule
    public let maxGradientNorm: Double
    /// Combines the gradients of every worker in place before clipping; the identity by default.
    public var reduceGradients: ([Parameter]) -> Void = { _ in }

    public init(optimizer: any Optimizer, schedule: LearningRateSchedule, maxGradientNorm: Double) {
        self.optimizer = optimizer
        self.schedule = schedule
        self.maxGradientNorm = maxGradientNorm
    }

    /// The step for a preset over `parameters`: its optimizer (Adam, or RMSProp with decay 0.99), its
    /// learning-rate schedule over `total_steps`, its clip norm.
    public init(parameters: [Parameter], configuration c: AgentConfiguration) {
        let optimizer: any Optimizer
        switch c.optimizer {
        case .adam: optimizer = Adam(parameters: parameters, epsilon: Float(c.optimizerEpsilon))
        case .rmsprop: optimizer = RMSProp(parameters: parameters, decay: 0.99, epsilon: Float(c.optimizerEpsilon))
        }
        let schedule: LearningRateSchedule =
            c.learningRateSchedule == .linear
            ? .linear(initial: c.learningRate, final: 0, steps: max(c.totalSteps, 1)) : .constant(c.learningRate)
        self.init(optimizer: optimizer, schedule: schedule, maxGradientNorm: c.maxGradientNorm)
    }

    /// Applies the accumulated gradients of the optimizer's parameters at environment step `step`.
    public func apply(atStep step: Int) throws(TrainingError) {
        let parameters = optimizer.parameters
        reduceGradients(parameters)
        let norm = GradientClipping.clip(parameters, maxNorm: maxGradientNorm > 0 ? maxGradientNorm : .infinity)
        guard norm.isFinite else { throw TrainingError("non-finite gradient norm at step \(step)") }
        optimizer.step(learningRate: Float(schedule.rate(at: step)))
    }
}
