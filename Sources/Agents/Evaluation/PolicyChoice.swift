/// Which of a trained agent's policies acts.
public enum PolicyChoice: String, Sendable, CaseIterable {
    /// The task policies π_i (for Distral 2-column agents, `softmax(α·h + β·f_i)`).
    case trained
    /// Distral's distilled shared policy π₀.
    case distilled
    /// Uniformly random actions (a baseline; needs no trained parameters).
    case random
}
