/// The per-sample value loss of actor-critic, optionally clipped around the prediction made when acting
/// (PPO's value clipping, as in OpenAI Baselines' `ppo2`), and its slope in the prediction.
///
/// With prediction n, target y and acting-time prediction n₀ (all in the value head's units):
/// - `L = ½(n − y)²`,  `∂L/∂n = n − y`.
/// - clipped with range ε_v: `n_c = n₀ + clip(n − n₀, −ε_v, ε_v)`, `L = max(½(n − y)², ½(n_c − y)²)`;
///   where the clipped term is larger, `∂L/∂n = n_c − y` inside the range (`|n − n₀| < ε_v`, where n_c = n)
///   and 0 outside it (n_c does not move with n).
public struct ValueLoss: Equatable, Sendable {
    /// ε_v; nil turns clipping off.
    public var clipRange: Double?

    public init(clipRange: Double? = nil) {
        self.clipRange = clipRange
    }

    /// The loss and `∂L/∂n` of one sample; `acting` is n₀ (used only when clipping).
    public func term(prediction n: Double, target y: Double, acting: Double) -> (loss: Double, slope: Double) {
        var slope = n - y
        var loss = 0.5 * slope * slope
        if let clipRange {
            let clippedPrediction = acting + min(max(n - acting, -clipRange), clipRange)
            let clippedLoss = 0.5 * (clippedPrediction - y) * (clippedPrediction - y)
            if clippedLoss > loss {
                loss = clippedLoss
                slope = abs(n - acting) < clipRange ? clippedPrediction - y : 0
            }
        }
        return (loss, slope)
    }
}
