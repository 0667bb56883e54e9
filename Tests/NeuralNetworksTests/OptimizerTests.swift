import Foundation
import NeuralNetworks
import Randomness
import TestSupport
import Testing

@Suite struct OptimizerTests {
    /// One scalar parameter with a given gradient per step.
    func run(_ make: ([Parameter]) -> any Optimizer, gradients: [Float], learningRate: Float) -> [Float] {
        let p = Parameter(name: "x", value: Tensor(row: [1]))
        let optimizer = make([p])
        var trajectory: [Float] = []
        for g in gradients {
            p.gradient = Tensor(row: [g])
            optimizer.step(learningRate: learningRate)
            trajectory.append(p.value.storage[0])
        }
        return trajectory
    }

    @Test func adamMatchesHandComputedSteps() {
        let got = run({ Adam(parameters: $0) }, gradients: [0.5, -1, 0.25], learningRate: 0.1)
        var theta = 1.0, m = 0.0, v = 0.0
        for (t, g) in [0.5, -1, 0.25].enumerated() {
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            let mHat = m / (1 - pow(0.9, Double(t + 1))), vHat = v / (1 - pow(0.999, Double(t + 1)))
            theta -= 0.1 * mHat / (vHat.squareRoot() + 1e-8)
            #expect(abs(Double(got[t]) - theta) < 1e-6, "step \(t + 1)")
        }
        #expect(abs(got[0] - 0.9) < 1e-6)  // the first Adam step is ±lr
    }

    @Test func adamWeightDecayAddsToTheGradient() {
        let plain = run({ Adam(parameters: $0) }, gradients: [0.5, 0.5], learningRate: 0.1)
        let decayed = run({ Adam(parameters: $0, weightDecay: 0.5) }, gradients: [0, 0], learningRate: 0.1)
        #expect(plain[0] == decayed[0])  // gradient 0 + 0.5·θ(=1) equals gradient 0.5 on the first step
    }

    @Test func rmsPropBothEpsilonConventions() {
        let pytorch = run({ RMSProp(parameters: $0, decay: 0.99, epsilon: 1e-5) }, gradients: [2, -1], learningRate: 0.01)
        var s = 0.0, theta = 1.0
        for (t, g) in [2.0, -1].enumerated() {
            s = 0.99 * s + 0.01 * g * g
            theta -= 0.01 * g / (s.squareRoot() + 1e-5)
            #expect(abs(Double(pytorch[t]) - theta) < 1e-5)
        }
        let tensorflow = run(
            { RMSProp(parameters: $0, decay: 0.9, epsilon: 0.01, epsilonInsideSquareRoot: true) }, gradients: [2], learningRate: 0.01)
        #expect(abs(Double(tensorflow[0]) - (1 - 0.01 * 2 / (0.1 * 4 + 0.01).squareRoot())) < 1e-6)
    }

    @Test func frozenParametersStay() {
        let p = Parameter(name: "x", value: Tensor(row: [1]))
        p.isFrozen = true
        p.gradient = Tensor(row: [1])
        Adam(parameters: [p]).step(learningRate: 1)
        #expect(p.value.storage == [1])
    }

    @Test func clippingScalesToTheMaximumNorm() {
        let a = Parameter(name: "a", value: Tensor(row: [0, 0])), b = Parameter(name: "b", value: Tensor(row: [0]))
        a.gradient = Tensor(row: [3, 0]); b.gradient = Tensor(row: [4])
        #expect(GradientClipping.clip([a, b], maxNorm: 1) == 5)
        #expect(abs(GradientClipping.globalNorm([a, b]) - 1) < 1e-6)
        #expect(abs(a.gradient.storage[0] - 0.6) < 1e-6)
        #expect(GradientClipping.clip([a, b], maxNorm: 10) < 1.0001)  // under the limit: untouched
    }

    @Test func schedules() {
        #expect(LearningRateSchedule.constant(0.1).rate(at: 1000) == 0.1)
        let linear = LearningRateSchedule.linear(initial: 1, final: 0, steps: 100)
        #expect(linear.rate(at: 0) == 1 && linear.rate(at: 50) == 0.5 && linear.rate(at: 200) == 0)
    }

    /// A small MLP learns `y = 2a − 3b + 1` to a low error.
    @Test func tinyRegressionConverges() {
        var rng = RandomGenerator(seed: 21)
        let mlp = MLP(
            name: "r", sizes: [2, 16, 1], activation: .tanh, activateOutput: false, outputInitialization: .orthogonal(gain: 1), using: &rng)
        let adam = Adam(parameters: mlp.parameters)
        let xs = Tensor(rows: 64, columns: 2, values: (0..<128).map { _ in Float(rng.uniform(-1, 1)) })
        let ys = (0..<64).map { 2 * xs[$0, 0] - 3 * xs[$0, 1] + 1 }
        var workspace = MLP.Workspace()
        func meanSquaredError() -> Float {
            let out = mlp.forward(xs, workspace: &workspace)
            return (0..<64).reduce(0) { $0 + (out[$1, 0] - ys[$1]) * (out[$1, 0] - ys[$1]) } / 64
        }
        let initial = meanSquaredError()
        for _ in 0..<1500 {
            mlp.zeroGradients()
            let out = mlp.forward(xs, workspace: &workspace)
            mlp.backward(workspace: &workspace, needInputGradient: false) { g in
                for r in 0..<64 { g[r, 0] = 2 * (out[r, 0] - ys[r]) / 64 }
            }
            adam.step(learningRate: 0.01)
        }
        let final = meanSquaredError()
        #expect(initial > 1 && final < 0.01, "MSE \(initial) → \(final)")
    }

    @Test func optimizerStateRoundTrips() throws {
        let p = Parameter(name: "w", value: Tensor(row: [1, 2]))
        let adam = Adam(parameters: [p])
        p.gradient = Tensor(row: [0.3, -0.1]); adam.step(learningRate: 0.1)
        let restored = Adam(parameters: [p])
        try restored.loadState(adam.stateTensors())
        let q = Parameter(name: "w", value: p.value)
        let twin = Adam(parameters: [q])
        try twin.loadState(adam.stateTensors())
        p.gradient = Tensor(row: [0.2, 0.2]); q.gradient = p.gradient
        adam.step(learningRate: 0.1); twin.step(learningRate: 0.1)
        #expect(p.value == q.value && twin.stepCount == 2)
        #expect(throws: CheckpointError.self) {
            try Adam(parameters: [Parameter(name: "other", value: Tensor(row: [1]))]).loadState(adam.stateTensors())
        }
    }
}
