@testable import Agents
import NeuralNetworks
import Randomness
import TestSupport
import Testing

/// PopArt against the golden values of algorithms.md §1.7 and §2.7.
@Suite struct PopArtTests {
    /// A one-output layer with W = (0.3, −0.2), b = 0.5.
    func goldenLayer() -> Linear {
        var rng = RandomGenerator(seed: 1)
        let layer = Linear(name: "v", inputs: 2, outputs: 1, initialization: .scaledUniform(scale: 1), using: &rng)
        layer.weight.value = Tensor(rows: 2, columns: 1, values: [0.3, -0.2])
        layer.bias.value = Tensor(row: [0.5])
        return layer
    }

    func output(_ layer: Linear, _ popArt: PopArt) -> Double {
        var y = Tensor(rows: 0, columns: 0)
        layer.forward(Tensor(row: [1, 2]), into: &y)
        return popArt.unnormalize(Double(y[0, 0]), task: 0)
    }

    @Test func preservesOutputsWithGoldenStatistics() {
        let layer = goldenLayer()
        var popArt = PopArt(tasks: 1, enabled: true, beta: 0.1, sigmaMin: 1e-4, sigmaMax: 1e6)
        #expect(abs(output(layer, popArt) - 0.4) < 1e-7)
        let expected: [(Double, Double, Double)] = [(1.0, 10.9, 3.146426544510), (2.1, 24.21, 4.449719092257), (2.69, 28.189, 4.577433778877)]
        for (target, stats) in zip([10.0, 12, 8], expected) {
            popArt.update(task: 0, targets: [target], valueLayer: layer)
            #expect(abs(popArt.mean(0) - stats.0) < 1e-12)
            #expect(abs(popArt.secondMoments[0] - stats.1) < 1e-12)
            #expect(abs(popArt.sigma(0) - stats.2) < 1e-11)
            #expect(abs(output(layer, popArt) - 0.4) < 1e-6, "unnormalised output preserved")
        }
        #expect(abs(Double(layer.weight.value[0, 0]) - 0.065538905529) < 1e-7)
        #expect(abs(Double(layer.weight.value[1, 0]) + 0.043692603686) < 1e-7)
        #expect(abs(Double(layer.bias.value[0, 0]) + 0.478434010363) < 1e-6)
        // §2.7: the normalised advantage identity (q − μ)/σ − n = (q − V)/σ.
        let n = -0.500280312206
        #expect(abs((7.0 - popArt.mean(0)) / popArt.sigma(0) - n - 1.441855921643) < 1e-9)
        #expect(abs(popArt.normalize(popArt.unnormalize(n, task: 0), task: 0) - n) < 1e-12)
    }

    @Test func convergesAndRespectsBounds() {
        let layer = goldenLayer()
        var popArt = PopArt(tasks: 1, enabled: true, beta: 0.1, sigmaMin: 1e-4, sigmaMax: 1e6)
        for _ in 0..<500 { popArt.update(task: 0, targets: [-3, -2, -1], valueLayer: layer) }
        #expect(abs(popArt.mean(0) + 2) < 0.2)
        #expect(abs(popArt.sigma(0) - 0.8165) < 0.1)
        var bounded = PopArt(tasks: 1, enabled: true, beta: 0.1, sigmaMin: 1, sigmaMax: 1)
        bounded.update(task: 0, targets: [100, -50, 1e4], valueLayer: layer)
        #expect(bounded.sigma(0) == 1)
        var floor = PopArt(tasks: 1, enabled: true, beta: 0.1, sigmaMin: 1e-2, sigmaMax: 1e6)
        for _ in 0..<2000 { floor.update(task: 0, targets: [5], valueLayer: layer) }
        #expect(floor.sigma(0) == 1e-2 && layer.weight.value.storage.allSatisfy(\.isFinite))
    }

    @Test func keepsPrecisionFarFromZeroAndIsolatesTasks() {
        let a = goldenLayer(), b = goldenLayer()
        var popArt = PopArt(tasks: 2, enabled: true, beta: 1, sigmaMin: 1e-4, sigmaMax: 1e6)
        popArt.restore(means: [1e4, 0], secondMoments: [1e8 + 1, 1])
        #expect(abs(popArt.sigma(0) - 1) < 1e-6, "μ = 10⁴, variance 1: Double keeps σ ≈ 1")
        let before = (b.weight.value, b.bias.value, popArt.mean(1), popArt.sigma(1))
        popArt.beta = 0.5
        popArt.update(task: 0, targets: [3, 9], valueLayer: a)
        #expect(b.weight.value == before.0 && b.bias.value == before.1 && popArt.mean(1) == before.2 && popArt.sigma(1) == before.3)
    }

    @Test func batchConventionIsSequentialPerSample() {
        // 640 identical targets, β = 3e-4: μ moves by 1 − (1 − β)^640 = 0.17472 of the way (algorithms.md §1.4).
        var popArt = PopArt(tasks: 1, enabled: true, beta: 3e-4, sigmaMin: 1e-4, sigmaMax: 1e6)
        popArt.update(task: 0, targets: Array(repeating: 1, count: 640), valueLayer: goldenLayer())
        #expect(abs(popArt.mean(0) - 0.17472) < 1e-5)
    }

    @Test func disabledIsTheIdentity() {
        let layer = goldenLayer()
        var popArt = PopArt(tasks: 1, enabled: false, beta: 0.1, sigmaMin: 1e-4, sigmaMax: 1e6)
        popArt.update(task: 0, targets: [100], valueLayer: layer)
        #expect(popArt.mean(0) == 0 && popArt.sigma(0) == 1 && layer.bias.value[0, 0] == 0.5)
    }
}
