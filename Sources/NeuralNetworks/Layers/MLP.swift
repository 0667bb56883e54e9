import Randomness

/// A multilayer perceptron: `Linear` layers with an activation after each hidden layer (and optionally the last).
///
/// The layers hold the parameters; a `Workspace` holds the activations of one use, so the same MLP
/// can run on several batches (e.g. one per task) before their backward passes.
public final class MLP: ParameterContainer {
    public let layers: [Linear]
    public let activation: Activation
    /// Whether the activation also follows the last layer (true for torsos, false for output heads).
    public let activateOutput: Bool

    /// An MLP named `name` with `sizes = [inputs, hidden…, outputs]`; layer i is `name.i`.
    /// `hiddenInitialization` is used for every layer but the last, which uses `outputInitialization`.
    public init(
        name: String, sizes: [Int], activation: Activation, activateOutput: Bool,
        hiddenInitialization: Initialization = .orthogonal(gain: Float(2).squareRoot()),
        outputInitialization: Initialization? = nil, using rng: inout RandomGenerator
    ) {
        precondition(sizes.count >= 2, "an MLP needs an input and an output size")
        var layers: [Linear] = []
        for i in 0..<(sizes.count - 1) {
            let last = i == sizes.count - 2
            let initialization = last ? (outputInitialization ?? hiddenInitialization) : hiddenInitialization
            layers.append(Linear(name: "\(name).\(i)", inputs: sizes[i], outputs: sizes[i + 1], initialization: initialization, using: &rng))
        }
        self.layers = layers
        self.activation = activation
        self.activateOutput = activateOutput
    }

    public var parameters: [Parameter] { layers.flatMap(\.parameters) }
    public var inputSize: Int { layers[0].inputSize }
    public var outputSize: Int { layers[layers.count - 1].outputSize }

    /// The activations of one forward pass, kept for its backward pass, and the gradient buffers.
    public struct Workspace: Sendable {
        /// `values[0]` is the input; `values[i + 1]` is the output of layer i (after its activation).
        public var values: [Tensor] = []
        var gradients: [Tensor] = []
        public init() {}

        /// The output of the last forward pass.
        public var output: Tensor { values[values.count - 1] }
        /// The input gradient of the last backward pass.
        public var inputGradient: Tensor { gradients[0] }
    }

    /// Runs the network on `input` (copied into the workspace) and returns the output.
    @discardableResult
    public func forward(_ input: Tensor, workspace: inout Workspace) -> Tensor {
        prepare(&workspace)
        workspace.values[0].reshape(rows: input.rows, columns: input.columns)
        workspace.values[0].storage.withUnsafeMutableBufferPointer { dst in
            input.storage.withUnsafeBufferPointer { _ = dst.update(fromContentsOf: $0) }
        }
        return forwardFromWorkspaceInput(&workspace)
    }

    /// Runs the network on `workspace.values[0]`, which the caller filled (saves a copy).
    @discardableResult
    public func forwardFromWorkspaceInput(_ workspace: inout Workspace) -> Tensor {
        prepare(&workspace)
        for (i, layer) in layers.enumerated() {
            layer.forward(workspace.values[i], into: &workspace.values[i + 1])
            if i < layers.count - 1 || activateOutput { activation.apply(&workspace.values[i + 1]) }
        }
        return workspace.output
    }

    /// Runs the last layer again on the input it had in the pass recorded in `workspace` (its parameters
    /// changed since); the earlier layers' activations stay as they were.
    @discardableResult
    public func rerunLastLayer(_ workspace: inout Workspace) -> Tensor {
        let last = layers.count - 1
        layers[last].forward(workspace.values[last], into: &workspace.values[last + 1])
        if activateOutput { activation.apply(&workspace.values[last + 1]) }
        return workspace.output
    }

    /// Backpropagates `outputGradient` through the pass recorded in `workspace`, accumulating parameter
    /// gradients; the input gradient is left in `workspace.inputGradient` when `needInputGradient`.
    public func backward(_ outputGradient: Tensor, workspace: inout Workspace, needInputGradient: Bool = true) {
        prepare(&workspace)
        let last = layers.count
        workspace.gradients[last] = outputGradient
        backwardFromWorkspaceGradient(&workspace, needInputGradient: needInputGradient)
    }

    /// Backpropagates the gradient stored at `workspace.gradients[last]`.
    func backwardFromWorkspaceGradient(_ workspace: inout Workspace, needInputGradient: Bool = true) {
        let last = layers.count
        workspace.gradients[last].reshape(rows: workspace.values[last].rows, columns: outputSize)
        for i in stride(from: last - 1, through: 0, by: -1) {
            if i < last - 1 || activateOutput {
                activation.backward(output: workspace.values[i + 1], gradient: &workspace.gradients[i + 1])
            }
            let wantInput = i > 0 || needInputGradient
            var inputGradient = Tensor(rows: 0, columns: 0)
            swap(&inputGradient, &workspace.gradients[i])
            withUnsafeMutablePointer(to: &inputGradient) { dx in
                layers[i].backward(input: workspace.values[i], outputGradient: workspace.gradients[i + 1], inputGradient: wantInput ? dx : nil)
            }
            swap(&inputGradient, &workspace.gradients[i])
        }
    }

    /// Sets the output gradient of the workspace (reshaping its buffer) through `body`, then backpropagates.
    public func backward(workspace: inout Workspace, needInputGradient: Bool = true, fillOutputGradient body: (inout Tensor) -> Void) {
        prepare(&workspace)
        let last = layers.count
        workspace.gradients[last].reshape(rows: workspace.values[last].rows, columns: outputSize)
        body(&workspace.gradients[last])
        backwardFromWorkspaceGradient(&workspace, needInputGradient: needInputGradient)
    }

    /// Gives `workspace` one buffer per layer (a no-op once it has them).
    public func prepare(_ workspace: inout Workspace) {
        if workspace.values.count != layers.count + 1 {
            workspace.values = Array(repeating: Tensor(rows: 0, columns: 0), count: layers.count + 1)
            workspace.gradients = workspace.values
        }
    }
}
