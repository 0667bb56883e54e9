/// Generalised advantage estimation (Schulman et al. 2015) over a time-major batch.
///
/// For each environment b, scanning t = T−1 … 0 (arrays `[T × B]`, index `t·B + b`):
/// ```
/// δ_t = r_t + γ_t·V_{t+1} − V_t           (V_T = bootstrap; γ_t = 0 where the episode terminated)
/// Â_t = δ_t + γ_t·λ·Â_{t+1},  Â_T = 0
/// R̂_t = Â_t + V_t                         (the λ-return, the value target)
/// ```
public enum GAE {
    public static func compute(discounts: [Double], rewards: [Double], values: [Double], bootstrap: [Double], lambda: Double)
        -> (targets: [Double], advantages: [Double])
    {
        let b = bootstrap.count
        let n = values.count
        precondition(n % max(b, 1) == 0 && rewards.count == n && discounts.count == n)
        let steps = b == 0 ? 0 : n / b
        var targets = [Double](repeating: 0, count: n)
        var advantages = [Double](repeating: 0, count: n)
        for e in 0..<b {
            var next = 0.0
            var nextValue = bootstrap[e]
            for t in stride(from: steps - 1, through: 0, by: -1) {
                let i = t * b + e
                let delta = rewards[i] + discounts[i] * nextValue - values[i]
                next = delta + discounts[i] * lambda * next
                advantages[i] = next
                targets[i] = next + values[i]
                nextValue = values[i]
            }
        }
        return (targets, advantages)
    }
}
