import NeuralNetworks
import Randomness
import TestSupport
import Testing

/// The image encoder on its own and beside MLP encoders in one multi-head network.
@Suite struct ConvolutionalEncoderTests {
    func randomTensor(_ rows: Int, _ columns: Int, _ rng: inout RandomGenerator, scale: Double = 1) -> Tensor {
        Tensor(rows: rows, columns: columns, values: (0..<(rows * columns)).map { _ in Float(rng.uniform(-scale, scale)) })
    }

    func weightedSum(_ y: Tensor, _ c: Tensor) -> Double {
        zip(y.storage, c.storage).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }

    /// Binary images like MinAtar's, with random biases keeping ReLU's pre-activations off the kink.
    func encoder(_ rng: inout RandomGenerator, padding: Conv2D.Padding = .valid) -> ConvolutionalEncoder {
        let e = ConvolutionalEncoder(
            name: "encoder.img", height: 5, width: 4, channels: 3, filters: 4, kernel: 3, padding: padding, denseSizes: [6],
            activation: .relu, using: &rng)
        e.convolution.bias.value = randomTensor(1, 4, &rng, scale: 0.5)
        e.dense.layers[0].bias.value = randomTensor(1, 6, &rng, scale: 0.5)
        return e
    }

    @Test func namesAndShapes() {
        var rng = RandomGenerator(seed: 1)
        let e = encoder(&rng)
        #expect(e.parameters.map(\.name) == ["encoder.img.conv.weight", "encoder.img.conv.bias", "encoder.img.0.weight", "encoder.img.0.bias"])
        #expect(e.inputSize == 5 * 4 * 3 && e.convolution.outputSize == 3 * 2 * 4 && e.outputSize == 6)
        #expect(e.parameterCount == 4 * (27 + 1) + (24 + 1) * 6)
    }

    @Test(arguments: Conv2D.Padding.allCases)
    func gradientsMatchFiniteDifferences(padding: Conv2D.Padding) {
        var rng = RandomGenerator(seed: 2)
        let e = encoder(&rng, padding: padding)
        var x = Tensor(rows: 3, columns: e.inputSize, values: (0..<(3 * e.inputSize)).map { _ in rng.uniform(0, 1) < 0.3 ? 1 : 0 })
        let c = randomTensor(3, e.outputSize, &rng)
        var workspace = e.makeWorkspace()
        func loss() -> Double { weightedSum(e.forward(x, workspace: &workspace), c) }
        e.zeroGradients()
        _ = loss()
        e.backward(c, workspace: &workspace)
        let inputGradient = workspace.inputGradient.storage.map(Double.init)
        for p in e.parameters { GradientCheck.check(p, step: 1e-3, loss: loss) }
        var values = x.storage
        let numeric = GradientCheck.numerical(&values, step: 1e-3) { v in
            x.storage = v; return loss()
        }
        GradientCheck.expectClose(inputGradient, numeric, tolerance: 2e-2, what: "input (\(padding))")
    }

    /// A conv route and two MLP routes through one torso: every parameter's gradient, conv filters included.
    @Test func multiHeadNetworkMixesConvolutionalAndDenseEncoders() {
        var rng = RandomGenerator(seed: 3)
        let image = encoder(&rng)
        let encoders: [String: any Encoder] = [
            "img": image,
            "flat": MLP(name: "encoders.flat", sizes: [3, 6], activation: .tanh, activateOutput: true, using: &rng),
        ]
        let torso = MLP(name: "torso", sizes: [6, 8], activation: .tanh, activateOutput: true, using: &rng)
        let heads = [
            "a.policy": MLP(name: "heads.a.policy", sizes: [8, 2], activation: .identity, activateOutput: false, using: &rng),
            "b.value": MLP(name: "heads.b.value", sizes: [8, 1], activation: .identity, activateOutput: false, using: &rng),
            "c.value": MLP(name: "heads.c.value", sizes: [8, 1], activation: .identity, activateOutput: false, using: &rng),
        ]
        let network = MultiHeadNetwork(
            encoders: encoders, torso: torso, heads: heads,
            routes: [
                .init(encoder: "img", heads: ["a.policy"]), .init(encoder: "flat", heads: ["b.value"]),
                .init(encoder: "img", heads: ["c.value"]),
            ])
        let inputs = [
            Tensor(rows: 3, columns: 60, values: (0..<180).map { _ in rng.uniform(0, 1) < 0.3 ? 1 : 0 }), randomTensor(2, 3, &rng),
            Tensor(rows: 2, columns: 60, values: (0..<120).map { _ in rng.uniform(0, 1) < 0.3 ? 1 : 0 }),
        ]
        let coefficients = [randomTensor(3, 2, &rng), randomTensor(2, 1, &rng), randomTensor(2, 1, &rng)]
        func loss() -> Double {
            network.forward(inputs)
            return (0..<3).reduce(0.0) { $0 + weightedSum(network.output(route: $1, head: 0), coefficients[$1]) }
        }
        network.zeroGradients()
        _ = loss()
        network.backward { r, _, gradient in gradient = coefficients[r] }
        #expect(
            network.parameters.map(\.name).prefix(6) == [
                "encoders.flat.0.weight", "encoders.flat.0.bias",
                "encoder.img.conv.weight", "encoder.img.conv.bias", "encoder.img.0.weight", "encoder.img.0.bias",
            ])
        #expect(image.convolution.weight.gradient.storage.contains { $0 != 0 })
        for p in network.parameters { GradientCheck.check(p, step: 1e-3, loss: loss) }
    }
}
