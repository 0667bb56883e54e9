import Environments
import NeuralNetworks

/// Where one task lives in a `MultiTaskPolicy`: its network and route, and how its actions are drawn.
public struct TaskHead {
    /// How a task's policy head is read.
    public enum Kind: Equatable, Sendable {
        /// Logits of a categorical distribution over `n` actions.
        case categorical(Int)
        /// The mean of a diagonal Gaussian with a learned, state-independent log-std; samples are
        /// clipped to `[low, high]` when stepping (log-probabilities are of the unclipped sample).
        case gaussian(low: [Float], high: [Float])

        /// Numbers per action: 1 (the index) or the dimensions.
        public var actionSize: Int {
            switch self {
            case .categorical: return 1
            case .gaussian(let low, _): return low.count
            }
        }
        /// The policy head's output width.
        public var outputSize: Int {
            switch self {
            case .categorical(let n): return n
            case .gaussian(let low, _): return low.count
            }
        }
    }

    public var name: String
    public var kind: Kind
    public var observationSize: Int
    /// Index of the network in `MultiTaskPolicy.networks` and of the route in it.
    public var network: Int
    public var route: Int
    /// The Gaussian log standard deviation (`log_std.<task>`), nil for categorical heads.
    public var logStd: Parameter?

    /// The head kind for an action space.
    public static func kind(for space: Space) -> Kind {
        switch space {
        case .discrete(let n): return .categorical(n)
        case .box(let box): return .gaussian(low: box.low, high: box.high)
        }
    }
}
