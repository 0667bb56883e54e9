/// RMSProp as A2C and IMPALA use it, with optional momentum.
///
/// `s ← α·s + (1−α)·g²`; then `θ ← θ − lr · g / √(s + ε)` when `epsilonInsideSquareRoot` (TensorFlow,
/// IMPALA's ε = 0.01) or `θ ← θ − lr · g / (√s + ε)` otherwise (PyTorch). With momentum μ the step
/// goes through a buffer `b ← μ·b + step`.
public final class RMSProp: Optimizer {
    public let parameters: [Parameter]
    public var decay: Float
    public var epsilon: Float
    public var momentum: Float
    public var epsilonInsideSquareRoot: Bool
    public private(set) var stepCount = 0
    private var meanSquares: [Tensor]
    private var momentumBuffers: [Tensor]

    public init(parameters: [Parameter], decay: Float = 0.99, epsilon: Float = 1e-5, momentum: Float = 0, epsilonInsideSquareRoot: Bool = false) {
        self.parameters = parameters
        self.decay = decay
        self.epsilon = epsilon
        self.momentum = momentum
        self.epsilonInsideSquareRoot = epsilonInsideSquareRoot
        meanSquares = parameters.map { Tensor(rows: $0.value.rows, columns: $0.value.columns) }
        momentumBuffers = meanSquares
    }

    public func step(learningRate: Float) {
        stepCount += 1
        let (alpha, eps, mu, inside) = (decay, epsilon, momentum, epsilonInsideSquareRoot)
        for (i, p) in parameters.enumerated() where !p.isFrozen {
            p.value.storage.withUnsafeMutableBufferPointer { theta in
                p.gradient.storage.withUnsafeBufferPointer { grad in
                    meanSquares[i].storage.withUnsafeMutableBufferPointer { s in
                        momentumBuffers[i].storage.withUnsafeMutableBufferPointer { b in
                            for j in theta.indices {
                                let g = grad[j]
                                s[j] = alpha * s[j] + (1 - alpha) * g * g
                                let denominator = inside ? (s[j] + eps).squareRoot() : s[j].squareRoot() + eps
                                var update = g / denominator
                                if mu != 0 {
                                    b[j] = mu * b[j] + update
                                    update = b[j]
                                }
                                theta[j] -= learningRate * update
                            }
                        }
                    }
                }
            }
        }
    }

    public func stateTensors() -> [String: Tensor] {
        encodeState(prefix: "rmsprop", buffers: [("square", meanSquares), ("momentum", momentumBuffers)])
    }

    public func loadState(_ tensors: [String: Tensor]) throws(CheckpointError) {
        let state = try decodeState(tensors, prefix: "rmsprop", bufferNames: ["square", "momentum"])
        stepCount = state.step
        meanSquares = state.buffers[0]
        momentumBuffers = state.buffers[1]
    }
}
