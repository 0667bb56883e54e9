import Foundation
import NeuralNetworks
import Randomness
import TestSupport
import Testing

/// The convolution's values on hand-computed examples and against a direct sum, its gradients, and its checkpoint.
@Suite struct Conv2DTests {
    func randomTensor(_ rows: Int, _ columns: Int, _ rng: inout RandomGenerator, scale: Double = 1) -> Tensor {
        Tensor(rows: rows, columns: columns, values: (0..<(rows * columns)).map { _ in Float(rng.uniform(-scale, scale)) })
    }

    func layer(
        _ h: Int, _ w: Int, _ c: Int, filters: Int, kernel: (Int, Int), stride: Int = 1, padding: Conv2D.Padding, seed: UInt64 = 1
    ) -> Conv2D {
        var rng = RandomGenerator(seed: seed)
        return Conv2D(
            name: "conv", inputHeight: h, inputWidth: w, inputChannels: c, filters: filters, kernelHeight: kernel.0,
            kernelWidth: kernel.1, stride: stride, padding: padding, initialization: .scaledUniform(scale: 1), using: &rng)
    }

    /// `y = conv(x)` by the definition: a direct sum over the kernel, zeros outside the image.
    func directConvolution(_ conv: Conv2D, _ x: Tensor) -> [Float] {
        var out: [Float] = []
        let c = conv.inputChannels
        for b in 0..<x.rows {
            for i in 0..<conv.outputHeight {
                for j in 0..<conv.outputWidth {
                    for f in 0..<conv.filters {
                        var sum = Double(conv.bias.value[0, f])
                        for p in 0..<conv.kernelHeight {
                            for q in 0..<conv.kernelWidth {
                                let h = i * conv.stride + p - conv.padTop, w = j * conv.stride + q - conv.padLeft
                                guard h >= 0, h < conv.inputHeight, w >= 0, w < conv.inputWidth else { continue }
                                for t in 0..<c {
                                    let weight = conv.weight.value[f, (p * conv.kernelWidth + q) * c + t]
                                    sum += Double(weight) * Double(x[b, (h * conv.inputWidth + w) * c + t])
                                }
                            }
                        }
                        out.append(Float(sum))
                    }
                }
            }
        }
        return out
    }

    /// 3×3 image 1…9, kernel [[1, 2], [3, 4]], bias 0.5: `valid` gives 2×2, `same` 3×3 (padding at the bottom and right).
    @Test func handComputedThreeByThree() {
        let x = Tensor(row: [1, 2, 3, 4, 5, 6, 7, 8, 9])
        for (padding, expected) in [
            (Conv2D.Padding.valid, [37, 47, 67, 77] as [Float]),
            (.same, [37, 47, 21, 67, 77, 33, 23, 26, 9]),
        ] {
            let conv = layer(3, 3, 1, filters: 1, kernel: (2, 2), padding: padding)
            conv.weight.value = Tensor(rows: 1, columns: 4, values: [1, 2, 3, 4])
            conv.bias.value = Tensor(row: [0.5])
            var y = Tensor(rows: 0, columns: 0)
            var workspace = Conv2D.Workspace()
            conv.forward(x, into: &y, workspace: &workspace)
            #expect(y.rows == 1 && y.storage == expected.map { $0 + 0.5 }, "\(padding)")
        }
    }

    /// The backward pass of the `valid` example with ∂L/∂y = 1: ∂L/∂W sums each kernel position's inputs,
    /// ∂L/∂b counts the outputs, ∂L/∂x counts the kernel weights covering each pixel.
    @Test func handComputedGradients() {
        let conv = layer(3, 3, 1, filters: 1, kernel: (2, 2), padding: .valid)
        conv.weight.value = Tensor(rows: 1, columns: 4, values: [1, 2, 3, 4])
        var y = Tensor(rows: 0, columns: 0), dx = Tensor(rows: 0, columns: 0)
        var workspace = Conv2D.Workspace()
        conv.forward(Tensor(row: [1, 2, 3, 4, 5, 6, 7, 8, 9]), into: &y, workspace: &workspace)
        conv.zeroGradients()
        conv.backward(outputGradient: Tensor(row: [1, 1, 1, 1]), workspace: &workspace, inputGradient: &dx)
        #expect(conv.weight.gradient.storage == [12, 16, 24, 28])
        #expect(conv.bias.gradient.storage == [4])
        #expect(dx.storage == [1, 3, 2, 4, 10, 6, 3, 7, 4])
    }

    /// Channels and filters in HWC order: a 1×1 kernel is a per-pixel matrix product `y[pixel, f] = Σ_c W[f, c]·x[pixel, c]`.
    @Test func channelsAndFiltersAreHWC() {
        let conv = layer(2, 2, 2, filters: 2, kernel: (1, 1), padding: .valid)
        conv.weight.value = Tensor(rows: 2, columns: 2, values: [1, 0, 0.5, -1])  // [F, KH, KW, C]
        var y = Tensor(rows: 0, columns: 0)
        var workspace = Conv2D.Workspace()
        conv.forward(Tensor(row: [1, 10, 2, 20, 3, 30, 4, 40]), into: &y, workspace: &workspace)
        #expect(y.storage == [1, -9.5, 2, -19, 3, -28.5, 4, -38])
    }

    static let shapes: [(h: Int, w: Int, c: Int, filters: Int, kernel: (Int, Int), stride: Int)] = [
        (10, 10, 4, 16, (3, 3), 1),  // MinAtar
        (5, 4, 3, 2, (3, 2), 2),
        (4, 6, 2, 3, (2, 3), 1),
        (3, 3, 1, 2, (3, 3), 3),
    ]

    @Test(arguments: Conv2D.Padding.allCases)
    func matchesTheDirectSum(padding: Conv2D.Padding) {
        var rng = RandomGenerator(seed: 5)
        for s in Self.shapes {
            let conv = layer(s.h, s.w, s.c, filters: s.filters, kernel: s.kernel, stride: s.stride, padding: padding)
            conv.bias.value = randomTensor(1, s.filters, &rng)
            let x = randomTensor(3, s.h * s.w * s.c, &rng)
            var y = Tensor(rows: 0, columns: 0)
            var workspace = Conv2D.Workspace()
            conv.forward(x, into: &y, workspace: &workspace)
            let expectedHeight = padding == .valid ? (s.h - s.kernel.0) / s.stride + 1 : (s.h + s.stride - 1) / s.stride
            #expect(conv.outputHeight == expectedHeight)
            #expect(y.rows == 3 && y.columns == conv.outputSize)
            let reference = directConvolution(conv, x)
            #expect(zip(y.storage, reference).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) }, "\(s) \(padding)")
        }
        #expect(layer(10, 10, 7, filters: 16, kernel: (3, 3), padding: .valid).outputSize == 8 * 8 * 16, "MinAtar: 1024 features")
        #expect(layer(10, 10, 7, filters: 16, kernel: (3, 3), padding: .same).outputSize == 10 * 10 * 16)
    }

    @Test(arguments: Conv2D.Padding.allCases)
    func gradientsMatchFiniteDifferences(padding: Conv2D.Padding) {
        var rng = RandomGenerator(seed: 6)
        for s in Self.shapes.dropFirst() {
            let conv = layer(s.h, s.w, s.c, filters: s.filters, kernel: s.kernel, stride: s.stride, padding: padding)
            conv.bias.value = randomTensor(1, s.filters, &rng)
            var x = randomTensor(2, s.h * s.w * s.c, &rng)
            let c = randomTensor(2, conv.outputSize, &rng)
            var y = Tensor(rows: 0, columns: 0), dx = Tensor(rows: 0, columns: 0)
            var workspace = Conv2D.Workspace()
            func loss() -> Double {
                conv.forward(x, into: &y, workspace: &workspace)
                return zip(y.storage, c.storage).reduce(0) { $0 + Double($1.0) * Double($1.1) }
            }
            conv.zeroGradients()
            _ = loss()
            conv.backward(outputGradient: c, workspace: &workspace, inputGradient: &dx)
            let inputGradient = dx.storage.map(Double.init)
            for p in conv.parameters { GradientCheck.check(p, tolerance: 1e-2, loss: loss) }
            var values = x.storage
            let numeric = GradientCheck.numerical(&values) { v in
                x.storage = v; return loss()
            }
            GradientCheck.expectClose(inputGradient, numeric, tolerance: 1e-2, what: "input \(s) \(padding)")
            x.storage = values  // the last difference left x perturbed

            // Without an input gradient (a first layer) the parameter gradients are the same.
            let weightGradient = conv.weight.gradient, biasGradient = conv.bias.gradient
            conv.zeroGradients()
            _ = loss()
            conv.backward(outputGradient: c, workspace: &workspace, inputGradient: nil)
            #expect(conv.weight.gradient == weightGradient && conv.bias.gradient == biasGradient)
        }
    }

    /// Orthogonal initialisation gives orthonormal filters (rows of the `F × K` matrix) times the gain.
    @Test func orthogonalInitialization() {
        var rng = RandomGenerator(seed: 7)
        let conv = Conv2D(
            name: "conv", inputHeight: 10, inputWidth: 10, inputChannels: 4, filters: 16, kernelHeight: 3, kernelWidth: 3,
            padding: .valid, initialization: .orthogonal(gain: 2), using: &rng)
        #expect(conv.weight.value.rows == 16 && conv.weight.value.columns == 36)
        for a in 0..<16 {
            for b in 0..<16 {
                let dot = (0..<36).reduce(0.0) { $0 + Double(conv.weight.value[a, $1]) * Double(conv.weight.value[b, $1]) }
                #expect(abs(dot - (a == b ? 4 : 0)) < 1e-4)
            }
        }
        #expect(conv.bias.value.storage.allSatisfy { $0 == 0 })
    }

    @Test func checkpointRoundTrip() throws {
        let source = layer(10, 10, 4, filters: 16, kernel: (3, 3), padding: .valid, seed: 1)
        source.bias.value = Tensor(row: (0..<16).map { Float($0) / 7 })
        let url = Fixtures.temporaryDirectory().appendingPathComponent("conv.safetensors")
        try Checkpoint(parameters: source.parameters).write(to: url)
        let loaded = try Checkpoint.read(from: url)
        #expect(loaded.contents.entries["conv.weight"]?.shape == [16, 36], "[filters, kernelH·kernelW·channels]")
        #expect(loaded.contents.entries["conv.bias"]?.shape == [1, 16])
        let target = layer(10, 10, 4, filters: 16, kernel: (3, 3), padding: .valid, seed: 2)
        #expect(target.weight.value != source.weight.value)
        try loaded.restore(into: target.parameters)
        for (a, b) in zip(source.parameters, target.parameters) { #expect(a.value == b.value) }
        let wider = layer(10, 10, 5, filters: 16, kernel: (3, 3), padding: .valid)
        #expect(throws: CheckpointError.self) { try loaded.restore(into: wider.parameters) }
    }
}
