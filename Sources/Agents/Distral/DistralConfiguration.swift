import Environments

/// Distral's settings (Teh et al. 2017): the KL and entropy weights, the policy's columns, and how π₀ is distilled.
///
/// With `c_KL` and `c_Ent` the objective's weights, `α = c_KL/(c_KL + c_Ent)` and the inverse
/// temperature `β = 1/(c_KL + c_Ent)` (called `distralBeta` in code, not PopArt's β). Both weights zero
/// means no regularisation: π₀'s logits h then only enter the 2-column policy `softmax(h + f_i)`
/// (the paper's "A3C 2col" baseline, preset `shared-2col`) and are trained by the policy gradient alone.
///
/// Every action space works, and suites may mix them: discrete tasks use the paper's categorical
/// equations, box tasks their diagonal-Gaussian analogue (closed-form KL and entropy; see `Distral`).
public struct DistralConfiguration: Equatable, Sendable {
    /// How π₀ follows the task policies.
    public enum Distillation: String, Sendable, CaseIterable {
        /// `−(α/β) Σ_a sg(π_i(a|s)) log π₀(a|s)`, gradient `(α/β)(π₀ − π_i)` on h: the expectation, no sampling noise
        /// (box actions: `(α/β)·KL(sg(π_i) ‖ π₀)` in closed form on μ₀ and log σ₀).
        case analytic
        /// `−(α/β) log π₀(a_t|s_t)` of the action taken: maximum likelihood of the task policies' actions.
        case sampled
    }

    /// 1: task policy `softmax(f_i)`; 2: task policy `softmax(α·h + β·f_i)` (box actions: `N(μ_f, σ_f²)`, or `∝ π₀^α·N(μ_f, σ_f²)`).
    public var columns = 2
    /// c_KL, the weight of `KL(π_i ‖ π₀)` in the objective.
    public var klCoefficient = 0.01
    /// c_Ent, the weight of the extra entropy bonus.
    public var entropyCoefficient = 0.01
    public var distillation = Distillation.analytic
    /// A multiplier on the distillation loss (1 = the paper's weight α/β).
    public var distillationCoefficient = 1.0

    public init() {}

    /// Whether the objective carries the KL/entropy terms (and π₀ is distilled).
    public var isRegularized: Bool { klCoefficient + entropyCoefficient > 0 }
    /// α = c_KL/(c_KL + c_Ent); 1 when unregularised.
    public var alpha: Double { isRegularized ? klCoefficient / (klCoefficient + entropyCoefficient) : 1 }
    /// β = 1/(c_KL + c_Ent), the inverse temperature; 1 when unregularised.
    public var distralBeta: Double { isRegularized ? 1 / (klCoefficient + entropyCoefficient) : 1 }

    static let keys: Set<String> = ["columns", "c_kl", "c_ent", "distillation", "distill_coef"]

    init(_ node: ConfigurationNode) throws(ChorusError) {
        let f = try node.mapping(allowedKeys: Self.keys)
        if let n = f["columns"] { columns = try n.int(in: 1...2) }
        if let n = f["c_kl"] { klCoefficient = try n.double(in: 0...1e6) }
        if let n = f["c_ent"] { entropyCoefficient = try n.double(in: 0...1e6) }
        if let n = f["distill_coef"] { distillationCoefficient = try n.double(in: 0...1e6) }
        if let n = f["distillation"] { distillation = try n.choice() }
        if columns == 1 && !isRegularized {
            throw node.error("a 1-column Distral agent needs c_kl + c_ent > 0 (with both 0 its π₀ would never be used)")
        }
    }

    var yaml: String {
        """
        distral:
          columns: \(columns)
          c_kl: \(klCoefficient)
          c_ent: \(entropyCoefficient)
          distillation: \(distillation.rawValue)
          distill_coef: \(distillationCoefficient)
        """
    }
}
