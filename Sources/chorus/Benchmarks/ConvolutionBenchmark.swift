import NeuralNetworks
import Randomness

/// Throughput of MinAtar's image encoder (16 3×3 filters, valid → ReLU → 128, batch 256 of 10×10×C) and
/// of its convolution against one `sgemm` of the same im2col shape.
///
/// For P = 256·8·8 output pixels, K = 3·3·C and F = 16: the convolution's forward and backward (the weight
/// gradient; a first layer skips the input gradient) are `2·P·K·F` flops each; the reference is one
/// `cblas_sgemm` of `P × K` by `K × F` (the forward product alone, with no im2col, bias or second product).
/// The ratio of the two rates says how much of BLAS's speed the layer keeps (target ≥ 50 %).
enum ConvolutionBenchmark {
    static let batch = 256, side = 10, filters = 16, kernel = 3, dense = 128
    static let channels = [4, 7, 10]

    static func run(_ timer: Stopwatch) -> BenchmarkSection {
        var rows: [(name: String, values: [Double])] = []
        for c in channels {
            var rng = RandomGenerator(seed: 4)
            let encoder = ConvolutionalEncoder(
                name: "encoder", height: side, width: side, channels: c, filters: filters, kernel: kernel, padding: .valid,
                denseSizes: [dense], activation: .relu, using: &rng)
            let conv = encoder.convolution
            // Binary observations, about a tenth of the cells set, as in MinAtar.
            let input = Tensor(
                rows: batch, columns: encoder.inputSize, values: (0..<(batch * encoder.inputSize)).map { _ in rng.nextFloat() < 0.1 ? 1 : 0 })
            let p = batch * conv.outputHeight * conv.outputWidth, k = conv.patchSize
            let convFlops = 2.0 * Double(p * k * filters)
            let denseFlops = 2.0 * Double(batch * conv.outputSize * dense)
            // Encoder: conv forward and weight gradient; dense forward, weight gradient and input gradient.
            let encoderFlops = 2 * convFlops + 3 * denseFlops

            var workspace = encoder.makeWorkspace()
            let encoderRate = timer.rate(unitsPerCall: Double(batch)) {
                encoder.forward(input, workspace: &workspace)
                encoder.backward(workspace: &workspace, needInputGradient: false) { $0.fill(0.01) }
            }

            var output = Tensor(rows: 0, columns: 0), convWorkspace = Conv2D.Workspace()
            let outputGradient = Tensor(rows: batch, columns: conv.outputSize, values: Array(repeating: 0.01, count: batch * conv.outputSize))
            let convRate = timer.rate(unitsPerCall: 1) {
                conv.forward(input, into: &output, workspace: &convWorkspace)
                conv.backward(outputGradient: outputGradient, workspace: &convWorkspace, inputGradient: nil)
            }

            let columns = Tensor(rows: p, columns: k, values: (0..<(p * k)).map { _ in rng.nextFloat() < 0.1 ? 1 : 0 })
            var product = Tensor(rows: p, columns: filters)
            let gemmRate = timer.rate(unitsPerCall: 1) {
                columns.storage.withUnsafeBufferPointer { a in
                    conv.weight.value.storage.withUnsafeBufferPointer { w in
                        product.storage.withUnsafeMutableBufferPointer { y in
                            BLAS.gemm(
                                transposeA: false, transposeB: true, m: p, n: filters, k: k,
                                a: a.baseAddress!, lda: k, b: w.baseAddress!, ldb: k, beta: 0, c: y.baseAddress!, ldc: filters)
                        }
                    }
                }
            }
            let convGflops = convRate * 2 * convFlops / 1e9, gemmGflops = gemmRate * convFlops / 1e9
            rows.append(
                (
                    "\(side)×\(side)×\(c)",
                    [encoderRate, encoderRate / Double(batch) * encoderFlops / 1e9, convGflops, gemmGflops, 100 * convGflops / gemmGflops]
                ))
        }
        return BenchmarkSection(
            title:
                "Convolutional encoder: MinAtar's conv 16×3×3 valid → ReLU → \(dense), forward+backward, batch \(batch), one core",
            columns: ["samples/s", "GFLOP/s", "conv GFLOP/s", "sgemm GFLOP/s", "conv/sgemm %"],
            rows: rows,
            notes: [
                "conv: the layer's forward (im2col + sgemm + bias) and weight/bias gradients; sgemm: one P×K·K×F product, P = \(batch)·8·8, K = 9·C, F = \(filters)",
                "OpenBLAS kernels: \(BLASKernels.coreName) (1 thread)",
            ]
        )
    }
}
