#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Adam (Kingma & Ba 2015) with bias correction and optional L2 weight decay.
///
/// For each parameter θ with gradient g (plus `weightDecay · θ`), at step t:
/// `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`, `θ ← θ − lr · (m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε)`.
public final class Adam: Optimizer {
    public let parameters: [Parameter]
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    public var weightDecay: Float
    public private(set) var stepCount = 0
    private var firstMoments: [Tensor]
    private var secondMoments: [Tensor]

    public init(parameters: [Parameter], beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.parameters = parameters
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        firstMoments = parameters.map { Tensor(rows: $0.value.rows, columns: $0.value.columns) }
        secondMoments = firstMoments
    }

    public func step(learningRate: Float) {
        stepCount += 1
        let t = Double(stepCount)
        let correction1 = Float(1 - Double(beta1).power(t)), correction2 = Float(1 - Double(beta2).power(t))
        let (b1, b2, eps, wd) = (beta1, beta2, epsilon, weightDecay)
        for (i, p) in parameters.enumerated() where !p.isFrozen {
            p.value.storage.withUnsafeMutableBufferPointer { theta in
                p.gradient.storage.withUnsafeBufferPointer { grad in
                    firstMoments[i].storage.withUnsafeMutableBufferPointer { m in
                        secondMoments[i].storage.withUnsafeMutableBufferPointer { v in
                            for j in theta.indices {
                                let g = grad[j] + wd * theta[j]
                                m[j] = b1 * m[j] + (1 - b1) * g
                                v[j] = b2 * v[j] + (1 - b2) * g * g
                                theta[j] -= learningRate * (m[j] / correction1) / ((v[j] / correction2).squareRoot() + eps)
                            }
                        }
                    }
                }
            }
        }
    }

    public func stateTensors() -> [String: Tensor] {
        encodeState(prefix: "adam", buffers: [("m", firstMoments), ("v", secondMoments)])
    }

    public func loadState(_ tensors: [String: Tensor]) throws(CheckpointError) {
        let state = try decodeState(tensors, prefix: "adam", bufferNames: ["m", "v"])
        stepCount = state.step
        firstMoments = state.buffers[0]
        secondMoments = state.buffers[1]
    }
}

extension Double {
    /// `self` to the power `exponent`, through the C library.
    func power(_ exponent: Double) -> Double { pow(self, exponent) }
}
