import Randomness

/// An image encoder: a `Conv2D`, its activation, then an `MLP` (activated output) on the flattened feature map.
///
/// `features = MLP(act(conv(x)))` for HWC-flattened images `x` (`rows × H·W·C`); the feature map is flattened
/// in HWC order (`OH·OW·F` values per row). MinAtar's reference network is this with 16 3×3 filters, `valid`
/// padding, ReLU and one 128-unit dense layer. Parameters: `name.conv.weight`, `name.conv.bias`, then the
/// dense layers `name.0.weight`, `name.0.bias`, ….
public final class ConvolutionalEncoder: Encoder {
    public let convolution: Conv2D
    public let dense: MLP
    /// The nonlinearity after the convolution (the dense layers use the MLP's own).
    public let activation: Activation

    /// The buffers of one pass: the convolution's, and the MLP's, whose input holds the activated feature map.
    public struct Workspace: Sendable {
        public var convolution = Conv2D.Workspace()
        public var dense = MLP.Workspace()
        /// ∂L/∂input of the last backward pass that asked for it.
        public internal(set) var inputGradient = Tensor(rows: 0, columns: 0)
        public init() {}

        /// The output of the last forward pass.
        public var output: Tensor { dense.output }
        /// The feature map after the activation (`rows × OH·OW·F`) of the last forward pass.
        public var featureMap: Tensor { dense.values[0] }
    }

    /// An encoder from its parts; the MLP must read the convolution's output.
    public init(convolution: Conv2D, activation: Activation, dense: MLP) {
        precondition(dense.inputSize == convolution.outputSize, "the dense layers do not read the convolution's \(convolution.outputSize) outputs")
        precondition(dense.activateOutput, "an encoder's output is activated")
        self.convolution = convolution
        self.activation = activation
        self.dense = dense
    }

    /// An encoder named `name` for `height × width × channels` images: `filters` square `kernel`s, then dense
    /// layers of `denseSizes`, every layer followed by `activation` and initialised orthogonally with gain √2
    /// (as `MLP`'s hidden layers).
    public convenience init(
        name: String, height: Int, width: Int, channels: Int, filters: Int, kernel: Int, stride: Int = 1, padding: Conv2D.Padding,
        denseSizes: [Int], activation: Activation, using rng: inout RandomGenerator
    ) {
        precondition(!denseSizes.isEmpty, "a convolutional encoder needs at least one dense layer")
        let initialization = Initialization.orthogonal(gain: Float(2).squareRoot())
        let convolution = Conv2D(
            name: "\(name).conv", inputHeight: height, inputWidth: width, inputChannels: channels, filters: filters,
            kernelHeight: kernel, kernelWidth: kernel, stride: stride, padding: padding, initialization: initialization, using: &rng)
        let dense = MLP(
            name: name, sizes: [convolution.outputSize] + denseSizes, activation: activation, activateOutput: true,
            hiddenInitialization: initialization, using: &rng)
        self.init(convolution: convolution, activation: activation, dense: dense)
    }

    public var parameters: [Parameter] { convolution.parameters + dense.parameters }
    public var inputSize: Int { convolution.inputSize }
    public var outputSize: Int { dense.outputSize }

    public func makeWorkspace() -> Workspace { Workspace() }

    /// Runs the encoder on `input` (`rows × H·W·C`) and returns the `rows × outputSize` features.
    @discardableResult
    public func forward(_ input: Tensor, workspace: inout Workspace) -> Tensor {
        dense.prepare(&workspace.dense)
        convolution.forward(input, into: &workspace.dense.values[0], workspace: &workspace.convolution)
        activation.apply(&workspace.dense.values[0])
        return dense.forwardFromWorkspaceInput(&workspace.dense)
    }

    /// Backpropagates through the MLP, the activation and the convolution; ∂L/∂input (in
    /// `workspace.inputGradient`) is computed only when `needInputGradient` (never for observations).
    public func backward(workspace: inout Workspace, needInputGradient: Bool = true, fillOutputGradient body: (inout Tensor) -> Void) {
        dense.backward(workspace: &workspace.dense, needInputGradient: true, fillOutputGradient: body)
        activation.backward(output: workspace.dense.values[0], gradient: &workspace.dense.gradients[0])
        var inputGradient = Tensor(rows: 0, columns: 0)
        swap(&inputGradient, &workspace.inputGradient)
        withUnsafeMutablePointer(to: &inputGradient) { dx in
            convolution.backward(
                outputGradient: workspace.dense.gradients[0], workspace: &workspace.convolution, inputGradient: needInputGradient ? dx : nil)
        }
        swap(&inputGradient, &workspace.inputGradient)
    }

    /// Backpropagates `outputGradient` through the pass in `workspace` (see `backward(workspace:…)`).
    public func backward(_ outputGradient: Tensor, workspace: inout Workspace, needInputGradient: Bool = true) {
        backward(workspace: &workspace, needInputGradient: needInputGradient) { $0.copyRows(0..<outputGradient.rows, of: outputGradient) }
    }
}
