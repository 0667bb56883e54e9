import Randomness

/// A 2-D convolution over images stored HWC-flattened, one image per row, by im2col and one matrix product.
///
/// Shapes: the input is `batch × (H·W·C)`, element `(h·W + w)·C + c` of a row being pixel (h, w), channel c
/// (the layout of MinAtar's observations). The output is `batch × (OH·OW·F)`, also HWC: `(i·OW + j)·F + f`.
///
/// `y[b, i, j, f] = bias[f] + Σ_{p, q, c} W[f, p, q, c] · x[b, i·s + p − top, j·s + q − left, c]`, with pixels
/// outside the image read as 0. The weight is stored as the matrix `F × (KH·KW·C)`, whose row-major storage is
/// the array `[F, KH, KW, C]` (PyTorch's `[F, C, KH, KW]` is `w.reshape(F, KH, KW, C).permute(0, 3, 1, 2)`).
///
/// The forward pass copies every receptive field into a row of the im2col matrix `X̂` (`P × K`, with
/// `P = batch·OH·OW` output pixels and `K = KH·KW·C`), then `Y = X̂·Wᵀ` in one `sgemm` (`P × F`, which is the
/// output's storage). The backward pass reuses `X̂`: `∂L/∂W += (∂L/∂Y)ᵀ·X̂`, `∂L/∂b += Σ_P ∂L/∂Y`, and when
/// asked `∂L/∂X̂ = ∂L/∂Y·W`, scattered back onto the input's pixels (col2im).
public final class Conv2D: ParameterContainer {
    /// How the image border is handled.
    public enum Padding: String, Equatable, Sendable, CaseIterable {
        /// No padding: only positions where the kernel fits, `OH = ⌊(H − KH)/s⌋ + 1` (PyTorch's default,
        /// and MinAtar's reference network: 10×10 → 8×8 with a 3×3 kernel).
        case valid
        /// Zero padding so that `OH = ⌈H/s⌉`; the total padding `max((OH − 1)·s + KH − H, 0)` is split with the
        /// odd one at the bottom and right (TensorFlow's `SAME`).
        case same
    }

    public let weight: Parameter
    public let bias: Parameter
    public let inputHeight: Int, inputWidth: Int, inputChannels: Int
    public let kernelHeight: Int, kernelWidth: Int
    public let stride: Int
    public let padding: Padding
    public let outputHeight: Int, outputWidth: Int
    /// Zero rows above and zero columns left of the image (the padding's top and left parts).
    public let padTop: Int, padLeft: Int

    public var filters: Int { weight.value.rows }
    /// `H·W·C`.
    public var inputSize: Int { inputHeight * inputWidth * inputChannels }
    /// `OH·OW·F`.
    public var outputSize: Int { outputHeight * outputWidth * filters }
    /// `K = KH·KW·C`, the fan-in of every output.
    public var patchSize: Int { kernelHeight * kernelWidth * inputChannels }

    /// The buffers of one pass: the im2col matrix, kept for the backward pass, and its gradient.
    public struct Workspace: Sendable {
        /// `X̂`, `P × K`: row `(b·OH + i)·OW + j` is the receptive field of output pixel (i, j) of image b.
        public internal(set) var columns = Tensor(rows: 0, columns: 0)
        var columnGradient = Tensor(rows: 0, columns: 0)
        public init() {}
    }

    /// A layer named `name` (parameters `name.weight`, `F × KH·KW·C`, and `name.bias`, `1 × F`); biases start at
    /// zero. `initialization` draws the weights as for a `Linear` layer with fan-in `KH·KW·C` and fan-out `F`
    /// (orthogonal rows for `.orthogonal`, as PyTorch's `orthogonal_` on the flattened kernel; `±scale/√K` for
    /// `.scaledUniform`, which with scale 1 is PyTorch's default for `Conv2d`).
    public init(
        name: String, inputHeight: Int, inputWidth: Int, inputChannels: Int, filters: Int, kernelHeight: Int, kernelWidth: Int,
        stride: Int = 1, padding: Padding, initialization: Initialization, using rng: inout RandomGenerator
    ) {
        precondition(inputHeight > 0 && inputWidth > 0 && inputChannels > 0 && filters > 0, "Conv2D \(name): empty shape")
        precondition(kernelHeight > 0 && kernelWidth > 0 && stride > 0, "Conv2D \(name): empty kernel or stride")
        guard let height = Self.outputLength(input: inputHeight, kernel: kernelHeight, stride: stride, padding: padding),
            let width = Self.outputLength(input: inputWidth, kernel: kernelWidth, stride: stride, padding: padding)
        else { preconditionFailure("Conv2D \(name): a \(kernelHeight)×\(kernelWidth) kernel does not fit a \(inputHeight)×\(inputWidth) image") }
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.inputChannels = inputChannels
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.stride = stride
        self.padding = padding
        self.outputHeight = height
        self.outputWidth = width
        self.padTop = max((height - 1) * stride + kernelHeight - inputHeight, 0) / 2
        self.padLeft = max((width - 1) * stride + kernelWidth - inputWidth, 0) / 2
        let k = kernelHeight * kernelWidth * inputChannels
        let drawn = initialization.weights(fanIn: k, fanOut: filters, using: &rng)  // K × F, as Linear's
        var w = Tensor(rows: filters, columns: k)
        for r in 0..<k { for f in 0..<filters { w[f, r] = drawn[r, f] } }
        weight = Parameter(name: "\(name).weight", value: w)
        bias = Parameter(name: "\(name).bias", value: Tensor(rows: 1, columns: filters))
    }

    /// The output length along one axis, or nil when a `valid` kernel does not fit.
    public static func outputLength(input: Int, kernel: Int, stride: Int, padding: Padding) -> Int? {
        switch padding {
        case .valid: return input >= kernel ? (input - kernel) / stride + 1 : nil
        case .same: return (input + stride - 1) / stride
        }
    }

    public var parameters: [Parameter] { [weight, bias] }

    /// `output = conv(input) + b`, HWC-flattened per row; `workspace` keeps the im2col matrix for `backward`.
    public func forward(_ input: Tensor, into output: inout Tensor, workspace: inout Workspace) {
        precondition(input.columns == inputSize, "Conv2D \(weight.name): input has \(input.columns) columns, expected \(inputSize)")
        let batch = input.rows, f = filters, k = patchSize, p = batch * outputHeight * outputWidth
        output.reshape(rows: batch, columns: outputSize)
        workspace.columns.reshape(rows: p, columns: k)
        guard batch > 0 else { return }
        input.storage.withUnsafeBufferPointer { x in
            workspace.columns.storage.withUnsafeMutableBufferPointer { columns in
                im2col(x.baseAddress!, batch: batch, into: columns.baseAddress!)
            }
        }
        output.storage.withUnsafeMutableBufferPointer { y in
            bias.value.storage.withUnsafeBufferPointer { b in
                for r in 0..<p { (y.baseAddress! + r * f).update(from: b.baseAddress!, count: f) }
            }
            workspace.columns.storage.withUnsafeBufferPointer { columns in
                weight.value.storage.withUnsafeBufferPointer { w in
                    BLAS.gemm(
                        transposeA: false, transposeB: true, m: p, n: f, k: k,
                        a: columns.baseAddress!, lda: k, b: w.baseAddress!, ldb: k, beta: 1, c: y.baseAddress!, ldc: f)
                }
            }
        }
    }

    /// Accumulates `∂L/∂W += (∂L/∂Y)ᵀ·X̂` and `∂L/∂b += Σ_P ∂L/∂Y` from the pass in `workspace`; writes
    /// `∂L/∂x` (col2im of `∂L/∂Y·W`) when `dx` is given. A first layer passes nil: observations need no gradient.
    public func backward(outputGradient dy: Tensor, workspace: inout Workspace, inputGradient dx: UnsafeMutablePointer<Tensor>?) {
        let f = filters, k = patchSize, p = workspace.columns.rows
        let batch = p / (outputHeight * outputWidth)
        precondition(dy.rows == batch && dy.columns == outputSize, "Conv2D \(weight.name): gradient shape mismatch")
        guard batch > 0 else { dx?.pointee.reshape(rows: 0, columns: inputSize); return }
        dy.storage.withUnsafeBufferPointer { g in
            workspace.columns.storage.withUnsafeBufferPointer { columns in
                weight.gradient.storage.withUnsafeMutableBufferPointer { dw in
                    BLAS.gemm(
                        transposeA: true, transposeB: false, m: f, n: k, k: p,
                        a: g.baseAddress!, lda: f, b: columns.baseAddress!, ldb: k, beta: 1, c: dw.baseAddress!, ldc: k)
                }
            }
            bias.gradient.storage.withUnsafeMutableBufferPointer { db in
                for r in 0..<p {
                    let row = g.baseAddress! + r * f
                    for j in 0..<f { db[j] += row[j] }
                }
            }
            guard let dx else { return }
            workspace.columnGradient.reshape(rows: p, columns: k)
            workspace.columnGradient.storage.withUnsafeMutableBufferPointer { dColumns in
                weight.value.storage.withUnsafeBufferPointer { w in
                    BLAS.gemm(
                        transposeA: false, transposeB: false, m: p, n: k, k: f,
                        a: g.baseAddress!, lda: f, b: w.baseAddress!, ldb: k, beta: 0, c: dColumns.baseAddress!, ldc: k)
                }
                dx.pointee.reshape(rows: batch, columns: inputSize)
                dx.pointee.storage.withUnsafeMutableBufferPointer { out in
                    out.update(repeating: 0)
                    col2im(UnsafePointer(dColumns.baseAddress!), batch: batch, into: out.baseAddress!)
                }
            }
        }
    }

    /// Copies every receptive field of `batch` images into a row of `columns` (`P × K`), zeros for padding.
    ///
    /// Along a kernel row the `KW` pixels are adjacent in HWC order, so an in-bounds kernel row is one copy of `KW·C` values.
    func im2col(_ x: UnsafePointer<Float>, batch: Int, into columns: UnsafeMutablePointer<Float>) {
        let c = inputChannels, rowLength = kernelWidth * c, k = patchSize
        let imageSize = inputSize
        var out = columns
        for b in 0..<batch {
            let image = x + b * imageSize
            for i in 0..<outputHeight {
                for j in 0..<outputWidth {
                    let left = j * stride - padLeft
                    let inside = left >= 0 && left + kernelWidth <= inputWidth
                    for p in 0..<kernelHeight {
                        let h = i * stride + p - padTop
                        let dst = out + p * rowLength
                        if h < 0 || h >= inputHeight {
                            dst.update(repeating: 0, count: rowLength)
                        } else if inside {
                            dst.update(from: image + (h * inputWidth + left) * c, count: rowLength)
                        } else {
                            for q in 0..<kernelWidth {
                                let w = left + q
                                if w < 0 || w >= inputWidth {
                                    (dst + q * c).update(repeating: 0, count: c)
                                } else {
                                    (dst + q * c).update(from: image + (h * inputWidth + w) * c, count: c)
                                }
                            }
                        }
                    }
                    out += k
                }
            }
        }
    }

    /// Adds every row of `columns` (`P × K`) back onto the input pixels it was copied from (the adjoint of `im2col`).
    func col2im(_ columns: UnsafePointer<Float>, batch: Int, into x: UnsafeMutablePointer<Float>) {
        let c = inputChannels, k = patchSize
        let imageSize = inputSize
        var src = columns
        for b in 0..<batch {
            let image = x + b * imageSize
            for i in 0..<outputHeight {
                for j in 0..<outputWidth {
                    for p in 0..<kernelHeight {
                        let h = i * stride + p - padTop
                        guard h >= 0 && h < inputHeight else { continue }
                        for q in 0..<kernelWidth {
                            let w = j * stride + q - padLeft
                            guard w >= 0 && w < inputWidth else { continue }
                            let dst = image + (h * inputWidth + w) * c, from = src + (p * kernelWidth + q) * c
                            for t in 0..<c { dst[t] += from[t] }
                        }
                    }
                    src += k
                }
            }
        }
    }
}
