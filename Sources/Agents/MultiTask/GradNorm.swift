/// GradNorm (Chen et al. 2018, *GradNorm: Gradient Normalization for Adaptive Loss Balancing in Deep
/// Multitask Networks*, Algorithm 1) with asymmetry α = 0, on the parameters the tasks share.
///
/// Task weights `w_i` (starting at 1, `Σ_i w_i = K` for K tasks) scale each task's loss, `L = Σ_i w_i L_i`,
/// so the shared parameters W get `Σ_i w_i g_i` with `g_i = ∇_W L_i`, and each task's own parameters get
/// `w_i` times their gradient. After each backward pass, with `G_i = w_i‖g_i‖` and `Ḡ` their mean (held
/// constant), the weights take one step on `L_grad = Σ_i |G_i − Ḡ·r_i^α|`:
///
///     w_i ← w_i − η·sign(G_i − Ḡ)·‖g_i‖,   then   w ← K·w / Σ_j w_j   (each w_i kept ≥ 10⁻³ first)
///
/// α = 0 asks every task for the same gradient norm (`r_i^0 = 1`). Chen et al.'s loss ratio
/// `r_i = (L_i(t)/L_i(0)) / mean_j(L_j(t)/L_j(0))` needs positive losses that shrink from a meaningful
/// start; an actor-critic loss changes sign from minibatch to minibatch, so α > 0 is not offered. W is every
/// shared parameter (the paper measures the last shared layer only; one backward pass per task already
/// gives all of them).
public struct GradNorm: Equatable, Sendable {
    /// The task weights w_i (Σ w_i = K).
    public private(set) var weights: [Double]
    /// η, the weights' learning rate.
    public let rate: Double

    public init(tasks: Int, rate: Double) {
        weights = Array(repeating: 1, count: tasks)
        self.rate = rate
    }

    /// `Σ_i w_i g_i` of `gradients` (one flat vector per task, all the same length) under the current weights.
    public func combine(_ gradients: [[Double]]) -> [Double] {
        guard let length = gradients.first?.count else { return [] }
        var combined = [Double](repeating: 0, count: length)
        for (i, gradient) in gradients.enumerated() {
            for k in 0..<length { combined[k] += weights[i] * gradient[k] }
        }
        return combined
    }

    /// One step of the weights from the tasks' unweighted gradient norms `‖g_i‖`.
    public mutating func update(gradientNorms norms: [Double]) {
        precondition(norms.count == weights.count, "one gradient norm per task")
        guard norms.allSatisfy(\.isFinite) else { return }
        let weighted = zip(weights, norms).map { $0 * $1 }
        let target = weighted.reduce(0, +) / Double(weights.count)
        for i in weights.indices {
            let sign: Double = weighted[i] > target ? 1 : (weighted[i] < target ? -1 : 0)
            weights[i] = max(weights[i] - rate * sign * norms[i], 1e-3)
        }
        let total = weights.reduce(0, +)
        weights = weights.map { $0 * Double(weights.count) / total }
    }

    /// Replaces the weights (from a checkpoint); nil unless there is one positive finite weight per task.
    public func restoring(weights saved: [Double]) -> GradNorm? {
        guard saved.count == weights.count, saved.allSatisfy({ $0.isFinite && $0 > 0 }) else { return nil }
        var copy = self
        copy.weights = saved
        return copy
    }
}
