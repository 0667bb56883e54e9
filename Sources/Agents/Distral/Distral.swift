import NeuralNetworks

/// Distral's equations (Teh et al. 2017, "Distral: Robust Multitask Reinforcement Learning", §2), used by `MultiTaskPolicy` and `ActorCriticLearner`.
///
/// Each task i learns a policy π_i by actor-critic on the regularised reward, and the shared distilled
/// policy `π₀ = softmax(h)` learns to be the centroid of the π_i:
///
///     J = Σ_i E_{π_i}[ Σ_t γ^t ( R_i + (α/β)·log π₀(a_t|s_t) − (1/β)·log π_i(a_t|s_t) ) ]
///
/// 1. Act with π_i: `softmax(f_i)` (1 column) or `softmax(α·h + β·f_i)` (2 columns).
/// 2. Reward `r̃ = r + (α/β)·sg(log π₀(a|s)) − (1/β)·sg(log π_i(a|s))`; the log terms are constants in
///    the return (their own gradients are either zero in expectation or the distillation term below).
/// 3. Returns and advantages on r̃ with V_i; the actor-critic loss on π_i (in 2 columns its gradient
///    reaches h through α·h).
/// 4. Distillation of π₀: descend `−(α/β)·Σ_a sg(π_i(a|s))·log π₀(a|s)` (analytic, gradient
///    `(α/β)(π₀ − π_i)` on h) or `−(α/β)·log π₀(a_t|s_t)` (sampled, gradient `(α/β)(π₀ − e_{a_t})`),
///    averaged over the task's samples like every other loss term (the paper's γ^t weight is dropped).
public enum Distral {
    /// The 2-column logits `z = α·h + β·f`, written into `z` (same shape as h and f).
    public static func twoColumnLogits(h: Tensor, f: Tensor, alpha: Float, beta: Float, into z: inout Tensor) {
        precondition(h.rows == f.rows && h.columns == f.columns, "h and f must have the same shape")
        z.reshape(rows: h.rows, columns: h.columns)
        z.storage.withUnsafeMutableBufferPointer { out in
            h.storage.withUnsafeBufferPointer { hv in
                f.storage.withUnsafeBufferPointer { fv in
                    for k in 0..<out.count { out[k] = alpha * hv[k] + beta * fv[k] }
                }
            }
        }
    }

    /// The reward's regularisation `(α/β)·log π₀(a|s) − (1/β)·log π_i(a|s)`, added to the environment's reward.
    public static func rewardRegularization(logTask: Double, logDistilled: Double, alpha: Double, beta: Double) -> Double {
        (alpha / beta) * logDistilled - logTask / beta
    }

    /// Adds `scale · ∂L₀/∂h` of one row to `gradient`, where L₀ is the distillation loss of one sample
    /// with weight α/β folded into `scale`: `scale·(π₀ − π_i)` (analytic) or `scale·(π₀ − e_a)` (sampled).
    public static func addDistillationGradient(
        distilled: Categorical, task: Categorical, row: Int, action: Int,
        method: DistralConfiguration.Distillation, scale: Float, into gradient: inout Tensor
    ) {
        switch method {
        case .analytic: distilled.addKullbackLeiblerGradient(from: task, row: row, scale: scale, into: &gradient)
        case .sampled: distilled.addLogProbabilityGradient(row: row, action: action, scale: -scale, into: &gradient)
        }
    }

    /// The distillation loss of one row without its weight: `−Σ_a π_i(a) log π₀(a)` or `−log π₀(a)`.
    public static func distillationLoss(
        distilled: Categorical, task: Categorical, row: Int, action: Int,
        method: DistralConfiguration.Distillation
    ) -> Double {
        switch method {
        case .analytic:
            var loss = 0.0
            for j in 0..<distilled.actionCount {
                loss -= Double(task.probability(row: row, action: j)) * Double(distilled.logProbability(row: row, action: j))
            }
            return loss
        case .sampled:
            return -Double(distilled.logProbability(row: row, action: action))
        }
    }
}
