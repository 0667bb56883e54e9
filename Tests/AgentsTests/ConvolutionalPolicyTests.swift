import Agents
import Environments
import NeuralNetworks
import Randomness
import TestSupport
import Testing

/// `network.conv`: the preset schema, its checks, and a policy mixing a convolutional and an MLP encoder.
@Suite struct ConvolutionalPolicyTests {
    /// A MinAtar-shaped task (10×10×4 binary image, 3 actions) and a CartPole-shaped one (Box(4), 2 actions).
    static let image = TaskSignature(
        name: "breakout", environment: "MinAtar/Breakout", observationSpace: Box(low: 0, high: 1, shape: [10, 10, 4]), actionSpace: .discrete(3))
    static let flat = TaskSignature(
        name: "cart", environment: "CartPole-v1", observationSpace: Box(low: -4, high: 4, shape: [4]), actionSpace: .discrete(2))

    static var small: AgentConfiguration {
        var c = AgentConfiguration.tiny
        c.convolution = ConvolutionConfiguration()
        c.convolution!.filters = 3
        c.encoderSizes = [8]
        c.torsoSizes = [6]
        c.headSizes = [5]
        c.activation = "relu"
        return c
    }

    static let base = """
        algorithm: ppo
        envs_per_task: 4
        rollout_steps: 8

        """

    @Test func presetsDeclareMinAtarsNetwork() throws {
        for name in ["minatar-ppo", "minatar-popart-ppo"] {
            let c = AgentConfiguration.preset(name)
            var expected = ConvolutionConfiguration()
            expected.filters = 16
            expected.kernel = 3
            expected.padding = .valid
            #expect(c.convolution == expected, "\(name)")
            #expect(c.encoderSizes == [128] && c.activation == "relu" && c.algorithm == .ppo)
            #expect(c.popArt == (name == "minatar-popart-ppo"))
            let reparsed = try AgentConfiguration.parse(c.yaml, file: "resolved.yaml")
            #expect(reparsed == c, "the resolved YAML keeps network.conv")
            try c.checkResources(for: [Self.image, Self.flat], file: name)
        }
        #expect(!AgentConfiguration.preset("popart-ppo").yaml.contains("conv"), "presets without conv resolve as before")
    }

    @Test func schema() throws {
        let c = try AgentConfiguration.parse(Self.base + "network: {conv: {filters: 8, kernel: 5, stride: 2, padding: same}}\n", file: "a.yaml")
        #expect(c.convolution?.filters == 8 && c.convolution?.kernel == 5 && c.convolution?.stride == 2 && c.convolution?.padding == .same)
        let defaults = try AgentConfiguration.parse(Self.base + "network: {conv: {}}\n", file: "b.yaml")
        #expect(defaults.convolution == ConvolutionConfiguration())
        #expect(try AgentConfiguration.parse(Self.base, file: "c.yaml").convolution == nil)
        for (bad, mentions) in [
            ("network: {conv: {filters: 8, size: 3}}", "size"),
            ("network: {conv: {padding: full}}", "full"),
            ("network: {conv: {filters: 0}}", "filters"),
            ("network: {conv: {kernel: 40}}", "kernel"),
            ("network: {conv: {stride: 0}}", "stride"),
            ("network: {conv: 16}", "conv"),
        ] {
            do {
                _ = try AgentConfiguration.parse(Self.base + bad + "\n", file: "bad.yaml")
                Issue.record("accepted \(bad)")
            } catch {
                #expect(error.description.contains("bad.yaml") && error.description.contains(mentions), "\(bad): \(error.description)")
            }
        }
    }

    @Test func resourceChecksKnowTheConvolution() throws {
        var c = Self.small
        c.convolution!.kernel = 11
        do {
            try c.checkResources(for: [Self.image], file: "suite.yaml")
            Issue.record("an 11×11 valid kernel on a 10×10 image was accepted")
        } catch {
            #expect(error.description.contains("network.conv") && error.description.contains("'breakout'"), "\(error.description)")
        }
        c.convolution!.padding = .same
        try c.checkResources(for: [Self.image], file: "suite.yaml")
        try c.checkResources(for: [Self.flat], file: "suite.yaml")  // no image: the convolution is unused
        // 1024 filters on a 64×64 image padded to 64×64×1024 = 4M features × 16 encoder units: too many parameters.
        c.convolution = ConvolutionConfiguration()
        c.convolution!.filters = 1024
        c.convolution!.padding = .same
        c.encoderSizes = [16]
        let big = TaskSignature(
            name: "big", environment: "Big", observationSpace: Box(low: 0, high: 1, shape: [64, 64, 1]), actionSpace: .discrete(2))
        #expect(throws: ChorusError.self) { try c.checkResources(for: [big], file: "suite.yaml") }
        // Without the convolution the same task's flat MLP encoder is small.
        c.convolution = nil
        try c.checkResources(for: [big], file: "suite.yaml")
    }

    @Test func imageSpacesGetConvolutionalEncodersAndFlatSpacesKeepTheirMLP() {
        let policy = MultiTaskPolicy(signatures: [Self.image, Self.flat], configuration: Self.small, seed: 1)
        let names = policy.parameters.map(\.name)
        #expect(names.contains("encoder.MinAtar/Breakout-400.conv.weight") && names.contains("encoder.MinAtar/Breakout-400.0.weight"))
        #expect(names.contains("encoder.CartPole-v1-4.0.weight") && !names.contains("encoder.CartPole-v1-4.conv.weight"))
        let conv = policy.parameter(named: "encoder.MinAtar/Breakout-400.conv.weight")!
        #expect(conv.value.rows == 3 && conv.value.columns == 3 * 3 * 4)
        #expect(policy.parameter(named: "encoder.MinAtar/Breakout-400.0.weight")!.value.rows == 8 * 8 * 3)

        // The flat task's encoder is the one a preset without conv builds, value for value.
        var plain = Self.small
        plain.convolution = nil
        let flatOnly = MultiTaskPolicy(signatures: [Self.flat], configuration: plain, seed: 1)
        let withConv = MultiTaskPolicy(signatures: [Self.flat], configuration: Self.small, seed: 1)
        #expect(flatOnly.parameters.map(\.name) == withConv.parameters.map(\.name))
        #expect(zip(flatOnly.parameters, withConv.parameters).allSatisfy { $0.value == $1.value })

        // Distral's π₀ column gets its own convolutional encoder.
        var distral = Self.small
        distral.distral = DistralConfiguration()
        let twoColumn = MultiTaskPolicy(signatures: [Self.image, Self.flat], configuration: distral, seed: 1)
        #expect(twoColumn.parameter(named: "distilled.encoder.MinAtar/Breakout-400.conv.weight") != nil)
    }

    /// Forward and backward through both encoders, the shared torso and every head, against finite differences.
    @Test func gradientsThroughTheConvolutionalEncoder() {
        let policy = MultiTaskPolicy(signatures: [Self.image, Self.flat], configuration: Self.small, seed: 2)
        var rng = RandomGenerator(seed: 3)
        // Random biases keep ReLU's pre-activations away from the kink.
        for p in policy.parameters where p.name.hasSuffix(".bias") {
            p.value = Tensor(rows: 1, columns: p.value.columns, values: (0..<p.value.columns).map { _ in Float(rng.uniform(-0.5, 0.5)) })
        }
        let inputs = [
            Tensor(rows: 3, columns: 400, values: (0..<1200).map { _ in rng.uniform(0, 1) < 0.2 ? 1 : 0 }),
            Tensor(rows: 2, columns: 4, values: (0..<8).map { _ in Float(rng.uniform(-1, 1)) }),
        ]
        let widths = [3, 2]
        let coefficients = (0..<2).map { i in
            [
                Tensor(rows: inputs[i].rows, columns: widths[i], values: (0..<(inputs[i].rows * widths[i])).map { _ in Float(rng.uniform(-1, 1)) }),
                Tensor(rows: inputs[i].rows, columns: 1, values: (0..<inputs[i].rows).map { _ in Float(rng.uniform(-1, 1)) }),
            ]
        }
        func weighted(_ y: Tensor, _ c: Tensor) -> Double { zip(y.storage, c.storage).reduce(0) { $0 + Double($1.0) * Double($1.1) } }
        func loss() -> Double {
            policy.forward(inputs)
            return (0..<2).reduce(0.0) { total, i in
                total + weighted(policy.policyOutput(i), coefficients[i][0]) + weighted(policy.valueOutput(i), coefficients[i][1])
            }
        }
        policy.zeroGradients()
        _ = loss()
        policy.backward { task, output, gradient in gradient = coefficients[task][output.rawValue] }
        let conv = policy.parameter(named: "encoder.MinAtar/Breakout-400.conv.weight")!
        #expect(conv.gradient.storage.contains { $0 != 0 })
        for p in policy.parameters { GradientCheck.check(p, step: 1e-3, loss: loss) }
    }
}
