/// V-trace targets and policy-gradient advantages (Espeholt et al. 2018), over a time-major batch.
///
/// For each environment b, scanning t = T−1 … 0 (arrays are `[T × B]`, index `t·B + b`):
/// ```
/// ρ_t = min(ρ̄, exp(log ρ_t)),  c_t = min(c̄, exp(log ρ_t))
/// δ_t = ρ_t·(r_t + γ_t·V_{t+1} − V_t)                       (V_T = bootstrap)
/// v_t − V_t = δ_t + γ_t·c_t·(v_{t+1} − V_{t+1})               (v_T − V_T = 0)
/// A_t = min(ρ̄_pg, exp(log ρ_t))·(r_t + γ_t·v_{t+1} − V_t)     (v_T = bootstrap)
/// ```
/// With `log ρ = 0` (on-policy) and ρ̄, c̄ ≥ 1, `v_t` is the n-step bootstrapped return, so n-step A2C
/// uses this same scan. `γ_t` is already 0 where an episode terminated.
public enum VTrace {
    public static func compute(
        logRhos: [Double], discounts: [Double], rewards: [Double], values: [Double],
        bootstrap: [Double], rhoBar: Double = 1, cBar: Double = 1, pgRhoBar: Double = 1
    )
        -> (targets: [Double], advantages: [Double])
    {
        let b = bootstrap.count
        let n = values.count
        precondition(n % max(b, 1) == 0 && rewards.count == n && discounts.count == n && logRhos.count == n)
        let steps = b == 0 ? 0 : n / b
        var targets = [Double](repeating: 0, count: n)
        var advantages = [Double](repeating: 0, count: n)
        for e in 0..<b {
            var accumulator = 0.0  // v_{t+1} − V_{t+1}
            var nextValue = bootstrap[e]
            var nextTarget = bootstrap[e]
            for t in stride(from: steps - 1, through: 0, by: -1) {
                let i = t * b + e
                let ratio = logRhos[i] < 700 ? exp(logRhos[i]) : .infinity
                let rho = min(rhoBar, ratio), c = min(cBar, ratio)
                let delta = rho * (rewards[i] + discounts[i] * nextValue - values[i])
                accumulator = delta + discounts[i] * c * accumulator
                targets[i] = values[i] + accumulator
                advantages[i] = min(pgRhoBar, ratio) * (rewards[i] + discounts[i] * nextTarget - values[i])
                nextValue = values[i]
                nextTarget = targets[i]
            }
        }
        return (targets, advantages)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
