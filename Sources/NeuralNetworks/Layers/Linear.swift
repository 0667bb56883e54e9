import Randomness

/// A fully connected layer `y = x·W + b` with `W` of shape `inputs × outputs`.
public final class Linear: ParameterContainer {
    public let weight: Parameter
    public let bias: Parameter
    public var inputSize: Int { weight.value.rows }
    public var outputSize: Int { weight.value.columns }

    /// A layer named `name` (parameters `name.weight`, `name.bias`); biases start at zero.
    public init(name: String, inputs: Int, outputs: Int, initialization: Initialization, using rng: inout RandomGenerator) {
        weight = Parameter(name: "\(name).weight", value: initialization.weights(fanIn: inputs, fanOut: outputs, using: &rng))
        bias = Parameter(name: "\(name).bias", value: Tensor(rows: 1, columns: outputs))
    }

    public var parameters: [Parameter] { [weight, bias] }

    /// `output = input·W + b`.
    public func forward(_ input: Tensor, into output: inout Tensor) {
        precondition(input.columns == inputSize, "Linear \(weight.name): input has \(input.columns) columns, expected \(inputSize)")
        let m = input.rows, n = outputSize
        output.reshape(rows: m, columns: n)
        guard m > 0 else { return }
        output.storage.withUnsafeMutableBufferPointer { y in
            bias.value.storage.withUnsafeBufferPointer { b in
                for r in 0..<m { (y.baseAddress! + r * n).update(from: b.baseAddress!, count: n) }
            }
            input.storage.withUnsafeBufferPointer { x in
                weight.value.storage.withUnsafeBufferPointer { w in
                    BLAS.gemm(
                        transposeA: false, transposeB: false, m: m, n: n, k: inputSize,
                        a: x.baseAddress!, lda: inputSize, b: w.baseAddress!, ldb: n, beta: 1, c: y.baseAddress!, ldc: n)
                }
            }
        }
    }

    /// Accumulates `∂L/∂W += xᵀ·∂L/∂y` and `∂L/∂b += Σ_rows ∂L/∂y`; writes `∂L/∂x = ∂L/∂y·Wᵀ` when asked.
    public func backward(input: Tensor, outputGradient dy: Tensor, inputGradient dx: UnsafeMutablePointer<Tensor>?) {
        let m = input.rows, n = outputSize, k = inputSize
        precondition(dy.rows == m && dy.columns == n, "Linear \(weight.name): gradient shape mismatch")
        guard m > 0 else { dx?.pointee.reshape(rows: 0, columns: k); return }
        dy.storage.withUnsafeBufferPointer { g in
            input.storage.withUnsafeBufferPointer { x in
                weight.gradient.storage.withUnsafeMutableBufferPointer { dw in
                    BLAS.gemm(
                        transposeA: true, transposeB: false, m: k, n: n, k: m,
                        a: x.baseAddress!, lda: k, b: g.baseAddress!, ldb: n, beta: 1, c: dw.baseAddress!, ldc: n)
                }
            }
            bias.gradient.storage.withUnsafeMutableBufferPointer { db in
                for r in 0..<m {
                    let row = g.baseAddress! + r * n
                    for j in 0..<n { db[j] += row[j] }
                }
            }
            if let dx {
                dx.pointee.reshape(rows: m, columns: k)
                dx.pointee.storage.withUnsafeMutableBufferPointer { out in
                    weight.value.storage.withUnsafeBufferPointer { w in
                        BLAS.gemm(
                            transposeA: false, transposeB: true, m: m, n: k, k: n,
                            a: g.baseAddress!, lda: n, b: w.baseAddress!, ldb: n, beta: 0, c: out.baseAddress!, ldc: k)
                    }
                }
            }
        }
    }
}
