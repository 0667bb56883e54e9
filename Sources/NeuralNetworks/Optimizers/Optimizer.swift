/// Updates parameters from their accumulated gradients.
public protocol Optimizer: AnyObject {
    var parameters: [Parameter] { get }
    /// Updates calls made so far.
    var stepCount: Int { get }
    /// One update with learning rate `learningRate`; frozen parameters are skipped.
    func step(learningRate: Float)
    /// The optimizer's state as named tensors (for checkpoints), e.g. `adam.m.torso.0.weight`.
    func stateTensors() -> [String: Tensor]
    /// Restores state written by `stateTensors()`; throws when a tensor is missing or has the wrong shape.
    func loadState(_ tensors: [String: Tensor]) throws(CheckpointError)
}

extension Optimizer {
    /// State tensors named `prefix.step` and `prefix.BUFFER.PARAMETER` for per-parameter buffers.
    func encodeState(prefix: String, buffers: [(name: String, tensors: [Tensor])]) -> [String: Tensor] {
        var state: [String: Tensor] = ["\(prefix).step": Tensor(row: [Float(stepCount)])]
        for buffer in buffers {
            for (p, tensor) in zip(parameters, buffer.tensors) { state["\(prefix).\(buffer.name).\(p.name)"] = tensor }
        }
        return state
    }

    /// The step count and per-parameter buffers written by `encodeState`, checked against the parameters' shapes.
    func decodeState(_ tensors: [String: Tensor], prefix: String, bufferNames: [String]) throws(CheckpointError) -> (step: Int, buffers: [[Tensor]]) {
        guard let stepTensor = tensors["\(prefix).step"], stepTensor.count == 1 else {
            throw CheckpointError(problem: "optimizer state '\(prefix).step' is missing")
        }
        // Float counts steps exactly up to 2^24; a larger, fractional, negative or non-finite count is not ours.
        guard let step = Int(exactly: stepTensor.storage[0]), (0...(1 << 24)).contains(step) else {
            throw CheckpointError(problem: "optimizer state '\(prefix).step' is \(stepTensor.storage[0]), not a step count in 0...\(1 << 24)")
        }
        var buffers: [[Tensor]] = []
        for bufferName in bufferNames {
            var buffer: [Tensor] = []
            for p in parameters {
                let name = "\(prefix).\(bufferName).\(p.name)"
                guard let t = tensors[name] else { throw CheckpointError(problem: "optimizer state '\(name)' is missing") }
                guard t.rows == p.value.rows, t.columns == p.value.columns else {
                    throw CheckpointError(
                        problem: "optimizer state '\(name)' has shape \(t.rows)×\(t.columns), expected \(p.value.rows)×\(p.value.columns)")
                }
                if let bad = t.storage.first(where: { !$0.isFinite }) {
                    throw CheckpointError(problem: "optimizer state '\(name)' holds \(bad)")
                }
                buffer.append(t)
            }
            buffers.append(buffer)
        }
        return (step, buffers)
    }
}
