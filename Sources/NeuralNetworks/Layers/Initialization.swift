import Randomness

/// How a `Linear` layer's weights start.
public enum Initialization: Equatable, Sendable {
    /// An orthogonal matrix times `gain` (as PPO implementations use: √2 for hidden layers, 0.01 for
    /// policy outputs, 1 for value outputs).
    case orthogonal(gain: Float)
    /// Uniform in ±`scale`/√fanIn (PyTorch's default for Linear when scale is 1).
    case scaledUniform(scale: Float)

    /// A `fanIn × fanOut` weight matrix drawn from `rng`.
    public func weights(fanIn: Int, fanOut: Int, using rng: inout RandomGenerator) -> Tensor {
        switch self {
        case .orthogonal(let gain):
            return Tensor(rows: fanIn, columns: fanOut, values: Self.orthogonal(rows: fanIn, columns: fanOut, using: &rng).map { Float($0) * gain })
        case .scaledUniform(let scale):
            let bound = Double(scale) / Double(fanIn).squareRoot()
            return Tensor(rows: fanIn, columns: fanOut, values: (0..<(fanIn * fanOut)).map { _ in Float(rng.uniform(-bound, bound)) })
        }
    }

    /// A `rows × columns` matrix with orthonormal rows or columns (whichever are fewer), by modified
    /// Gram–Schmidt on a Gaussian matrix, in Double.
    static func orthogonal(rows: Int, columns: Int, using rng: inout RandomGenerator) -> [Double] {
        let tall = rows >= columns
        let (n, k) = tall ? (rows, columns) : (columns, rows)  // orthonormalise k vectors of length n
        var vectors = (0..<k).map { _ in (0..<n).map { _ in rng.normal() } }
        for i in 0..<k {
            for j in 0..<i {
                let dot = zip(vectors[i], vectors[j]).reduce(0) { $0 + $1.0 * $1.1 }
                for t in 0..<n { vectors[i][t] -= dot * vectors[j][t] }
            }
            let norm = vectors[i].reduce(0) { $0 + $1 * $1 }.squareRoot()
            for t in 0..<n { vectors[i][t] /= max(norm, 1e-12) }
        }
        var out = [Double](repeating: 0, count: rows * columns)
        for r in 0..<rows {
            for c in 0..<columns {
                out[r * columns + c] = tall ? vectors[c][r] : vectors[r][c]
            }
        }
        return out
    }
}
