/// What turns a route's input rows into the torso's input rows in a `MultiHeadNetwork`: an `MLP` on flat
/// vectors, or a `ConvolutionalEncoder` on images.
///
/// An encoder holds parameters only; a `Workspace` holds one pass (its activations, for the backward pass),
/// so one encoder can encode several batches (one per route that shares it) before their backward passes.
public protocol Encoder: ParameterContainer {
    /// The buffers of one forward pass, reused by the next one.
    associatedtype Workspace
    /// Input features per row.
    var inputSize: Int { get }
    /// Output features per row (the torso's input size).
    var outputSize: Int { get }
    /// An empty workspace (buffers are sized by the first pass).
    func makeWorkspace() -> Workspace
    /// Encodes `input` (`rows × inputSize`) and returns the `rows × outputSize` output, kept in `workspace`.
    @discardableResult
    func forward(_ input: Tensor, workspace: inout Workspace) -> Tensor
    /// Writes ∂L/∂output through `body` (the buffer has the output's shape) and backpropagates the pass in
    /// `workspace`, accumulating parameter gradients; computes ∂L/∂input only when `needInputGradient`.
    func backward(workspace: inout Workspace, needInputGradient: Bool, fillOutputGradient body: (inout Tensor) -> Void)
}

extension MLP: Encoder {
    public func makeWorkspace() -> Workspace { Workspace() }
}
