import NeuralNetworks
import Randomness
import TestSupport
import Testing

/// Finite-difference checks of every layer, the distributions and a composed multi-head network.
@Suite struct GradientTests {
    func randomTensor(_ rows: Int, _ columns: Int, _ rng: inout RandomGenerator, scale: Double = 1) -> Tensor {
        Tensor(rows: rows, columns: columns, values: (0..<(rows * columns)).map { _ in Float(rng.uniform(-scale, scale)) })
    }

    /// `L = Σ c ⊙ y` with fixed random coefficients, so `∂L/∂y = c`.
    func weightedSum(_ y: Tensor, _ c: Tensor) -> Double {
        zip(y.storage, c.storage).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }

    @Test(arguments: Activation.allCases)
    func mlpLayersAndInput(activation: Activation) {
        var rng = RandomGenerator(seed: 11)
        let mlp = MLP(
            name: "m", sizes: [5, 7, 3], activation: activation, activateOutput: true,
            hiddenInitialization: .scaledUniform(scale: 1), using: &rng)
        // Random biases keep ReLU pre-activations away from the kink, where finite differences are meaningless.
        for layer in mlp.layers { layer.bias.value = randomTensor(1, layer.outputSize, &rng, scale: 0.5) }
        var input = randomTensor(4, 5, &rng)
        let c = randomTensor(4, 3, &rng)
        var workspace = MLP.Workspace()
        func loss() -> Double { weightedSum(mlp.forward(input, workspace: &workspace), c) }

        mlp.zeroGradients()
        _ = loss()
        mlp.backward(c, workspace: &workspace)
        let inputGradient = workspace.inputGradient.storage.map(Double.init)
        for p in mlp.parameters { GradientCheck.check(p, loss: loss) }
        var values = input.storage
        let numeric = GradientCheck.numerical(&values) { v in
            input.storage = v; return loss()
        }
        GradientCheck.expectClose(inputGradient, numeric, tolerance: 2e-2, what: "input (\(activation))")
    }

    @Test func multiHeadNetworkAccumulatesEveryHeadIntoTheTorso() {
        var rng = RandomGenerator(seed: 12)
        let encoders = [
            "small": MLP(name: "encoders.small", sizes: [3, 6], activation: .tanh, activateOutput: true, using: &rng),
            "large": MLP(name: "encoders.large", sizes: [5, 6], activation: .tanh, activateOutput: true, using: &rng),
        ]
        let torso = MLP(name: "torso", sizes: [6, 8, 8], activation: .tanh, activateOutput: true, using: &rng)
        let heads = [
            "a.policy": MLP(name: "heads.a.policy", sizes: [8, 2], activation: .identity, activateOutput: false, using: &rng),
            "a.value": MLP(name: "heads.a.value", sizes: [8, 1], activation: .identity, activateOutput: false, using: &rng),
            "b.policy": MLP(name: "heads.b.policy", sizes: [8, 3], activation: .identity, activateOutput: false, using: &rng),
            "c.value": MLP(name: "heads.c.value", sizes: [8, 1], activation: .identity, activateOutput: false, using: &rng),
        ]
        // Routes a and c share the "small" encoder; b uses "large". Head rows differ per route.
        let network = MultiHeadNetwork(
            encoders: encoders, torso: torso, heads: heads,
            routes: [
                .init(encoder: "small", heads: ["a.policy", "a.value"]),
                .init(encoder: "large", heads: ["b.policy"]),
                .init(encoder: "small", heads: ["c.value"]),
            ])
        let inputs = [randomTensor(3, 3, &rng), randomTensor(2, 5, &rng), randomTensor(4, 3, &rng)]
        let coefficients: [[Tensor]] = [
            [randomTensor(3, 2, &rng), randomTensor(3, 1, &rng)], [randomTensor(2, 3, &rng)], [randomTensor(4, 1, &rng)],
        ]
        func loss() -> Double {
            network.forward(inputs)
            var total = 0.0
            for r in 0..<3 { for h in coefficients[r].indices { total += weightedSum(network.output(route: r, head: h), coefficients[r][h]) } }
            return total
        }
        network.zeroGradients()
        _ = loss()
        network.backward { r, h, gradient in gradient = coefficients[r][h] }
        #expect(network.parameters.count == 2 * (2 + 2 + 4))
        for p in network.parameters { GradientCheck.check(p, loss: loss) }
    }

    @Test func categoricalGradients() {
        var rng = RandomGenerator(seed: 13)
        var logits = randomTensor(3, 4, &rng, scale: 2)
        let target = Categorical(logits: randomTensor(3, 4, &rng, scale: 2))
        let actions = [2, 0, 3]
        // L = Σ_r [ log π(a_r) + 0.7 H_r + 0.3 KL(target ‖ π) ]
        func loss(_ v: [Float]) -> Double {
            let d = Categorical(logits: Tensor(rows: 3, columns: 4, values: v))
            return (0..<3).reduce(0.0) { total, r in
                total + Double(d.logProbability(row: r, action: actions[r])) + 0.7 * Double(d.entropy(row: r))
                    + 0.3 * Double(target.kullbackLeibler(to: d, row: r))
            }
        }
        let d = Categorical(logits: logits)
        var gradient = Tensor(rows: 3, columns: 4)
        for r in 0..<3 {
            d.addLogProbabilityGradient(row: r, action: actions[r], scale: 1, into: &gradient)
            d.addEntropyGradient(row: r, scale: 0.7, into: &gradient)
            d.addKullbackLeiblerGradient(from: target, row: r, scale: 0.3, into: &gradient)
        }
        var values = logits.storage
        let numeric = GradientCheck.numerical(&values, step: 1e-2, loss: loss)
        logits.storage = values
        GradientCheck.expectClose(gradient.storage.map(Double.init), numeric, tolerance: 1e-2, what: "categorical")
    }

    @Test func gaussianGradients() {
        var rng = RandomGenerator(seed: 14)
        let mean = randomTensor(3, 2, &rng)
        let logStd: [Float] = [-0.3, 0.2]
        let target = DiagonalGaussian(mean: randomTensor(3, 2, &rng), logStd: [0.1, -0.2])
        let actions: [Float] = [0.5, -0.2, 1.1, 0.3, -0.7, 0.0]
        func loss(mean m: [Float], logStd s: [Float]) -> Double {
            let d = DiagonalGaussian(mean: Tensor(rows: 3, columns: 2, values: m), logStd: s)
            var total = 3 * 0.4 * Double(d.entropy)
            for r in 0..<3 {
                total += actions.withUnsafeBufferPointer { Double(d.logProbability(row: r, action: $0.baseAddress! + 2 * r)) }
                total += 0.6 * Double(target.kullbackLeibler(to: d, row: r))
            }
            return total
        }
        let d = DiagonalGaussian(mean: mean, logStd: logStd)
        var meanGradient = Tensor(rows: 3, columns: 2)
        var logStdGradient: [Float] = [0, 0]
        for r in 0..<3 {
            actions.withUnsafeBufferPointer {
                d.addLogProbabilityGradient(
                    row: r, action: $0.baseAddress! + 2 * r, scale: 1, meanGradient: &meanGradient, logStdGradient: &logStdGradient)
            }
            d.addKullbackLeiblerGradient(from: target, row: r, scale: 0.6, meanGradient: &meanGradient, logStdGradient: &logStdGradient)
        }
        d.addEntropyGradient(scale: 3 * 0.4, logStdGradient: &logStdGradient)
        var m = mean.storage, s = logStd
        GradientCheck.expectClose(
            meanGradient.storage.map(Double.init),
            GradientCheck.numerical(&m, step: 1e-2) { loss(mean: $0, logStd: logStd) }, tolerance: 1e-2, what: "gaussian mean")
        GradientCheck.expectClose(
            logStdGradient.map(Double.init),
            GradientCheck.numerical(&s, step: 1e-2) { loss(mean: mean.storage, logStd: $0) }, tolerance: 1e-2, what: "gaussian log-std")
    }
}
