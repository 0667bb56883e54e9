import Environments
import NeuralNetworks

/// The convolution that starts the encoder of every image observation space (`network.conv` in a preset).
///
/// An observation space is an image when its Box shape has three axes `[H, W, C]` (MinAtar's 10×10×C, stored
/// HWC). Its encoder is then `conv → activation → flatten → dense layers of network.encoder`; spaces of
/// other shapes keep the MLP encoder, so one network can mix both. YAML:
/// `conv: {filters: 16, kernel: 3, stride: 1, padding: valid}` (every key optional, these are the defaults:
/// MinAtar's reference network, which pads nothing, so a 10×10 image gives 8·8·16 = 1024 features).
public struct ConvolutionConfiguration: Equatable, Sendable {
    /// F, the number of output channels.
    public var filters = 16
    /// The side of the square kernel.
    public var kernel = 3
    public var stride = 1
    public var padding = Conv2D.Padding.valid

    public init() {}

    static let keys: Set<String> = ["filters", "kernel", "stride", "padding"]

    init(_ node: ConfigurationNode) throws(ChorusError) {
        let f = try node.mapping(allowedKeys: Self.keys)
        if let n = f["filters"] { filters = try n.int(in: 1...1024) }
        if let n = f["kernel"] { kernel = try n.int(in: 1...32) }
        if let n = f["stride"] { stride = try n.int(in: 1...32) }
        if let n = f["padding"] { padding = try n.choice() }
    }

    /// Whether observations of `space` are images this convolution reads: a Box shaped `[H, W, C]`.
    public static func readsImages(of space: Box) -> Bool { space.shape.count == 3 && space.shape.allSatisfy { $0 > 0 } }

    /// The output height and width on an `H × W` image, or nil when a `valid` kernel is larger than the image.
    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int)? {
        guard let h = Conv2D.outputLength(input: height, kernel: kernel, stride: stride, padding: padding),
            let w = Conv2D.outputLength(input: width, kernel: kernel, stride: stride, padding: padding)
        else { return nil }
        return (h, w)
    }

    /// The flow mapping a preset writes.
    var yaml: String { "{filters: \(filters), kernel: \(kernel), stride: \(stride), padding: \(padding.rawValue)}" }
}
