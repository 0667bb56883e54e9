/// What a fuzz target did with one input (either is fine; only a crash or a hang is a finding).
public enum FuzzOutcome: Equatable, Sendable, CustomStringConvertible {
    /// The input parsed (and, for a checkpoint, restored).
    case accepted
    /// The input was refused with this error message.
    case rejected(String)

    public var description: String {
        switch self {
        case .accepted: "accepted"
        case .rejected(let message): "rejected: \(message)"
        }
    }
}
