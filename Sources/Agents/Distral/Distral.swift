import NeuralNetworks

/// Distral's equations (Teh et al. 2017, "Distral: Robust Multitask Reinforcement Learning", §2), used by `MultiTaskPolicy` and `ActorCriticLearner`.
///
/// Each task i learns a policy π_i by actor-critic on the regularised reward, and the shared distilled
/// policy π₀ learns to be the centroid of the π_i:
///
///     J = Σ_i E_{π_i}[ Σ_t γ^t ( R_i + (α/β)·log π₀(a_t|s_t) − (1/β)·log π_i(a_t|s_t) ) ]
///
/// **Discrete actions**, π₀ = `softmax(h)`:
/// 1. Act with π_i: `softmax(f_i)` (1 column) or `softmax(α·h + β·f_i)` (2 columns).
/// 2. Reward `r̃ = r + (α/β)·sg(log π₀(a|s)) − (1/β)·sg(log π_i(a|s))`; the log terms are constants in
///    the return (their own gradients are either zero in expectation or the distillation term below).
/// 3. Returns and advantages on r̃ with V_i; the actor-critic loss on π_i (in 2 columns its gradient
///    reaches h through α·h).
/// 4. Distillation of π₀: descend `−(α/β)·Σ_a sg(π_i(a|s))·log π₀(a|s)` (analytic, gradient
///    `(α/β)(π₀ − π_i)` on h) or `−(α/β)·log π₀(a_t|s_t)` (sampled, gradient `(α/β)(π₀ − e_{a_t})`),
///    averaged over the task's samples like every other loss term (the paper's γ^t weight is dropped).
///
/// **Box actions**, π₀ = `N(μ₀(s), σ₀²)`: π₀'s head gives the mean μ₀, and a state-independent
/// `log σ₀` per box action space (`distilled.log_std.box-N`, shared like the head) its spread. With
/// `c_KL = α/β` and `c_Ent = (1 − α)/β`, and every KL and entropy in closed form for diagonal Gaussians:
/// 1. Act with π_i: the column's `N(μ_f, σ_f²)` (1 column) or, in 2 columns, `π_i ∝ π₀^α · N(μ_f, σ_f²)`
///    (`TwoColumnGaussian`, the product-of-Gaussians analogue of `softmax(α·h + β·f_i)`).
/// 2. Reward: the expectation of the discrete term under π_i,
///    `r̃ = r + E_{a∼π_i}[(α/β)·log π₀(a|s) − (1/β)·log π_i(a|s)] = r − c_KL·KL(π_i ‖ π₀)(s) + c_Ent·H(π_i)(s)`,
///    a constant in the return. It no longer depends on the action, so unlike the sampled term it
///    gives the policy gradient no pull toward π₀ at s itself: that part of ∇J, the gradient of
///    `c_KL·KL(π_i ‖ sg(π₀)) − c_Ent·H(π_i)` at each visited state, is added to π_i's loss
///    (`addRegularizationGradient`), in the advantages' units (divided by the PopArt σ and the
///    standardisation's spread, as the return's own regularisation is).
/// 3. Returns, advantages and the actor-critic loss on π_i as for discrete actions (in 2 columns the
///    gradient reaches μ₀ and log σ₀ through the product).
/// 4. Distillation of π₀: descend `(α/β)·KL(sg(π_i) ‖ π₀)` (analytic; per dimension
///    `∂/∂μ₀ = (μ₀ − μ_i)/σ₀²`, `∂/∂log σ₀ = 1 − (σ_i² + (μ_i − μ₀)²)/σ₀²`) or `−(α/β)·log π₀(a_t|s_t)`
///    (sampled, of the unclipped action), averaged over the task's samples. The reported analytic loss is
///    the cross-entropy `KL(π_i ‖ π₀) + H(π_i)`, the sampled loss's expectation (the same gradient on π₀).
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

    // MARK: Box actions

    /// The reward's regularisation on a box action space: `E_{a∼π_i}[(α/β)·log π₀(a|s) − (1/β)·log π_i(a|s)]`
    /// `= −(α/β)·KL(π_i ‖ π₀)(s) + ((1 − α)/β)·H(π_i)(s)` for row `row` (state s).
    public static func rewardRegularization(task: DiagonalGaussian, distilled: DiagonalGaussian, row: Int, alpha: Double, beta: Double) -> Double {
        -(alpha / beta) * Double(task.kullbackLeibler(to: distilled, row: row)) + (1 - alpha) / beta * Double(task.entropy)
    }

    /// The per-state regularisation loss on π_i, `(α/β)·KL(π_i ‖ sg(π₀)) − ((1 − α)/β)·H(π_i)` of row `row`
    /// (the negative of `rewardRegularization`, whose gradient the closed-form reward leaves out).
    public static func regularizationLoss(task: DiagonalGaussian, distilled: DiagonalGaussian, row: Int, alpha: Double, beta: Double) -> Double {
        -rewardRegularization(task: task, distilled: distilled, row: row, alpha: alpha, beta: beta)
    }

    /// Adds `scale · ∂/∂(μ_i, log σ_i)` of `regularizationLoss` of one row, π₀ held fixed:
    /// `(α/β)·(μ_i − μ₀)/σ₀²` on the mean and `(α/β)·(σ_i²/σ₀² − 1) − (1 − α)/β` on each log σ_i.
    public static func addRegularizationGradient(
        task: DiagonalGaussian, distilled: DiagonalGaussian, row: Int, alpha: Double, beta: Double, scale: Float,
        meanGradient: inout Tensor, logStdGradient: inout [Float]
    ) {
        task.addKullbackLeiblerGradient(
            to: distilled, row: row, scale: scale * Float(alpha / beta), meanGradient: &meanGradient, logStdGradient: &logStdGradient)
        task.addEntropyGradient(scale: -scale * Float((1 - alpha) / beta), logStdGradient: &logStdGradient)
    }

    /// Adds `scale · ∂L₀/∂(μ₀, log σ₀)` of one row to π₀'s mean gradient (row `row`) and log-std gradient, where
    /// L₀ is the distillation loss with weight α/β folded into `scale`: `KL(sg(π_i) ‖ π₀)` (analytic) or
    /// `−log π₀(a)` of the unclipped action `action` (sampled).
    public static func addDistillationGradient(
        distilled: DiagonalGaussian, task: DiagonalGaussian, row: Int, action: UnsafePointer<Float>,
        method: DistralConfiguration.Distillation, scale: Float, meanGradient: inout Tensor, logStdGradient: inout [Float]
    ) {
        switch method {
        case .analytic:
            distilled.addKullbackLeiblerGradient(
                from: task, row: row, scale: scale, meanGradient: &meanGradient, logStdGradient: &logStdGradient)
        case .sampled:
            distilled.addLogProbabilityGradient(
                row: row, action: action, scale: -scale, meanGradient: &meanGradient, logStdGradient: &logStdGradient)
        }
    }

    /// The distillation loss of one row without its weight: the cross-entropy `−E_{π_i} log π₀ = KL(π_i ‖ π₀) + H(π_i)`
    /// (analytic) or `−log π₀(a)` (sampled).
    public static func distillationLoss(
        distilled: DiagonalGaussian, task: DiagonalGaussian, row: Int, action: UnsafePointer<Float>,
        method: DistralConfiguration.Distillation
    ) -> Double {
        switch method {
        case .analytic: Double(task.kullbackLeibler(to: distilled, row: row)) + Double(task.entropy)
        case .sampled: -Double(distilled.logProbability(row: row, action: action))
        }
    }
}
