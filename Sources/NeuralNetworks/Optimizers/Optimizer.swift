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
    /// The state tensor `name` with `shape`, or an error naming it.
    func stateTensor(_ tensors: [String: Tensor], _ name: String, like shape: Tensor) throws(CheckpointError) -> Tensor {
        guard let t = tensors[name] else { throw CheckpointError(problem: "optimizer state '\(name)' is missing") }
        guard t.rows == shape.rows, t.columns == shape.columns else {
            throw CheckpointError(problem: "optimizer state '\(name)' has shape \(t.rows)×\(t.columns), expected \(shape.rows)×\(shape.columns)")
        }
        return t
    }

    /// The step counter stored as a 1×1 tensor under `name`.
    func storedStepCount(_ tensors: [String: Tensor], _ name: String) throws(CheckpointError) -> Int {
        guard let t = tensors[name], t.count == 1, t.storage[0] >= 0 else { throw CheckpointError(problem: "optimizer state '\(name)' is missing") }
        return Int(t.storage[0])
    }
}
