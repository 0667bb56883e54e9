import Foundation
import NeuralNetworks
import Randomness
import TestSupport
import Testing

@Suite struct NetworkTests {
    @Test func sameSeedSameWeightsAndUpdates() {
        func train(seed: UInt64) -> [[Float]] {
            var rng = RandomGenerator(seed: seed)
            let mlp = MLP(name: "m", sizes: [4, 8, 2], activation: .tanh, activateOutput: false, using: &rng)
            let adam = Adam(parameters: mlp.parameters)
            let x = Tensor(rows: 5, columns: 4, values: (0..<20).map { _ in Float(rng.normal()) })
            var workspace = MLP.Workspace()
            for _ in 0..<10 {
                mlp.zeroGradients()
                mlp.forward(x, workspace: &workspace)
                mlp.backward(workspace: &workspace) { $0.fill(0.3) }
                adam.step(learningRate: 0.01)
            }
            return mlp.parameters.map(\.value.storage)
        }
        let a = train(seed: 8), b = train(seed: 8)
        #expect(a.map { $0.map(\.bitPattern) } == b.map { $0.map(\.bitPattern) })
        #expect(a != train(seed: 9))
    }

    @Test func orthogonalInitialisation() {
        var rng = RandomGenerator(seed: 4)
        for (rows, columns) in [(6, 4), (4, 6), (5, 5)] {
            let w = Initialization.orthogonal(gain: 2).weights(fanIn: rows, fanOut: columns, using: &rng)
            let k = min(rows, columns)
            for i in 0..<k {
                for j in 0..<k {  // the k shorter-dimension vectors are orthogonal with norm = gain
                    var dot: Float = 0
                    for t in 0..<max(rows, columns) {
                        dot += rows >= columns ? w[t, i] * w[t, j] : w[i, t] * w[j, t]
                    }
                    #expect(abs(dot - (i == j ? 4 : 0)) < 1e-4)
                }
            }
        }
    }

    @Test func linearComputesAffineMap() {
        var rng = RandomGenerator(seed: 1)
        let layer = Linear(name: "l", inputs: 2, outputs: 3, initialization: .scaledUniform(scale: 1), using: &rng)
        layer.weight.value = Tensor(rows: 2, columns: 3, values: [1, 2, 3, 4, 5, 6])
        layer.bias.value = Tensor(row: [0.5, 0, -1])
        var y = Tensor(rows: 0, columns: 0)
        layer.forward(Tensor(rows: 2, columns: 2, values: [1, 0, 1, 1]), into: &y)
        #expect(y.storage == [1.5, 2, 2, 5.5, 7, 8])
    }

    @Test func softmaxIsStableAndSamplingFollowsProbabilities() {
        let d = Categorical(logits: Tensor(rows: 2, columns: 3, values: [1000, 1001, 999, -1e4, 0, -1e4]))
        #expect(d.logProbabilities.storage.allSatisfy { $0.isFinite })
        #expect(abs(d.probability(row: 0, action: 1) - 0.66524) < 1e-4)
        #expect(d.mode(row: 0) == 1 && d.mode(row: 1) == 1)
        var rng = RandomGenerator(seed: 2)
        var counts = [0, 0, 0]
        for _ in 0..<30_000 { counts[d.sample(row: 0, using: &rng)] += 1 }
        #expect(abs(Double(counts[1]) / 30_000 - 0.66524) < 0.01)
        #expect(d.kullbackLeibler(to: d, row: 0) == 0)
        #expect(abs(d.entropy(row: 1)) < 1e-6)
    }

    @Test func gaussianIdentities() {
        let d = DiagonalGaussian(mean: Tensor(rows: 1, columns: 2, values: [0.5, -1]), logStd: [0, 0.5])
        #expect(abs(d.kullbackLeibler(to: d, row: 0)) < 1e-7)
        let h = 0.0 + 0.5 + 2 * (0.5 + 0.5 * log(2 * Double.pi))
        #expect(abs(Double(d.entropy) - h) < 1e-5)
        var rng = RandomGenerator(seed: 3)
        var sum = 0.0
        var a: [Float] = [0, 0]
        for _ in 0..<20_000 { a.withUnsafeMutableBufferPointer { d.sample(row: 0, into: $0.baseAddress!, using: &rng) }; sum += Double(a[1]) }
        #expect(abs(sum / 20_000 + 1) < 0.05)
    }

    @Test func tensorRowOperations() {
        var t = Tensor(rows: 3, columns: 2, values: [1, 2, 3, 4, 5, 6])
        #expect(t.slice(rows: 1..<3).storage == [3, 4, 5, 6])
        var u = Tensor(rows: 2, columns: 2)
        u.copyRows(0..<2, of: t)
        u.addRows(1..<2, of: t, to: 1)
        #expect(u.storage == [1, 2, 6, 8])
        t.reshape(rows: 2, columns: 3)
        #expect(t.count == 6 && t.rows == 2)
    }
}

@Suite struct BLASKernelTests {
    @Test func reexecOnlyForWeakKernelsOnStrongCPUs() {
        #expect(BLASKernels.preferredCoreType(detected: "Prescott", userChoice: nil, hasAVX512: true, hasAVX2FMA: true) == "SkylakeX")
        #expect(BLASKernels.preferredCoreType(detected: "Prescott", userChoice: nil, hasAVX512: false, hasAVX2FMA: true) == "Haswell")
        #expect(BLASKernels.preferredCoreType(detected: "Prescott", userChoice: nil, hasAVX512: false, hasAVX2FMA: false) == nil)
        #expect(BLASKernels.preferredCoreType(detected: "Prescott", userChoice: "Haswell", hasAVX512: true, hasAVX2FMA: true) == nil)
        #expect(BLASKernels.preferredCoreType(detected: "SkylakeX", userChoice: nil, hasAVX512: true, hasAVX2FMA: true) == nil)
        #expect(BLASKernels.preferredCoreType(detected: "Zen", userChoice: nil, hasAVX512: false, hasAVX2FMA: true) == nil)
    }

    @Test func kernelNameIsReadable() {
        #expect(!BLASKernels.coreName.isEmpty)
    }
}

@Suite struct ActivationTests {
    @Test func vectorisedTanhMatchesLibm() {
        var xs: [Float] = stride(from: -30.0, through: 30.0, by: 0.000731).map { Float($0) }
        xs += [0, -0, 1e-30, -1e-8, 0.55, -0.55, 0.5499999, 10, 10.000001, .greatestFiniteMagnitude, -.greatestFiniteMagnitude]
        var t = Tensor(rows: 1, columns: xs.count, values: xs)
        Activation.tanh.apply(&t)
        var worst = 0.0
        for (x, y) in zip(xs, t.storage) {
            let exact = Foundation.tanh(Double(x))
            worst = max(worst, abs(Double(y) - exact) / max(abs(exact), 1e-30))
        }
        #expect(worst < 1e-6, "worst relative error \(worst)")
    }
}
