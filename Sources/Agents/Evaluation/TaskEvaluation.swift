/// One task's evaluation: returns over fixed-seed episodes, success, and the normalised score.
public struct TaskEvaluation: Codable, Equatable, Sendable {
    public var name: String
    public var env: String
    public var episodes: Int
    public var meanReturn: Double
    public var stdReturn: Double
    public var successRate: Double
    /// `(R − R_random)/(R_solved − R_random)`.
    public var normalizedScore: Double
    public var solved: Bool
    /// The mean return of a uniform random policy over the same episodes and seed.
    public var randomReturn: Double

    enum CodingKeys: String, CodingKey {
        case name, env, episodes, solved
        case meanReturn = "mean_return", stdReturn = "std_return", successRate = "success_rate"
        case normalizedScore = "normalized_score", randomReturn = "random_return"
    }

    /// The normalised score of a mean return, guarded when the random policy already reaches the solved return.
    public static func normalizedScore(_ mean: Double, random: Double, solved: Double) -> Double {
        let span = solved - random
        guard abs(span) > 1e-9 else { return mean >= solved ? 1 : 0 }
        return (mean - random) / span
    }
}
