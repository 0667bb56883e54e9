import Foundation
import NeuralNetworks

/// Distral's 2-column task policy on a box action space, the product-of-Gaussians analogue of
/// `softmax(α·h + β·f_i)`: `π_i ∝ π₀^α · q_i`, with π₀ = `N(μ₀, σ₀²)` and the task column's
/// q_i = `N(μ_f, σ_f²)` (its head gives μ_f, its `log_std.<task>` gives σ_f; like the discrete column's
/// `β·f_i`, q_i is the column's output directly). Per action dimension, with every σ state-independent:
///
///     λ₀ = α/σ₀²,  λ_f = 1/σ_f²,  P = λ₀ + λ_f,  w₀ = λ₀/P,  w_f = λ_f/P
///     π_i = N(μ, σ²),  μ = w₀·μ₀ + w_f·μ_f,  log σ = −½·log P
///
/// Backward, from ∂L/∂μ (per row) and ∂L/∂log σ, with `∂w₀/∂log σ₀ = −2·w₀·w_f = −∂w₀/∂log σ_f`:
///
///     ∂L/∂μ₀ = w₀·∂L/∂μ,  ∂L/∂μ_f = w_f·∂L/∂μ
///     ∂L/∂log σ₀ = w₀·∂L/∂log σ − 2·w₀·w_f·Σ_rows ∂L/∂μ·(μ₀ − μ_f)
///     ∂L/∂log σ_f = w_f·∂L/∂log σ + 2·w₀·w_f·Σ_rows ∂L/∂μ·(μ₀ − μ_f)
///
/// α = 0 leaves q_i (π₀ then has no say); α = 1 and σ₀ = σ_f halve the variance and average the means.
public struct TwoColumnGaussian: Sendable {
    /// w₀ per dimension: π₀'s share of the precision.
    public let distilledWeights: [Float]
    /// w_f = 1 − w₀ per dimension: the column's share.
    public let columnWeights: [Float]
    /// `log σ = −½·log P` per dimension.
    public let logStd: [Float]

    /// The product's weights and log-std for π₀'s log σ₀ and the column's log σ_f (weights and `P` in Double).
    public init(distilledLogStd: [Float], columnLogStd: [Float], alpha: Double) {
        precondition(distilledLogStd.count == columnLogStd.count, "one log-std per action dimension in both columns")
        var distilledWeights: [Float] = [], columnWeights: [Float] = [], logStd: [Float] = []
        for d in distilledLogStd.indices {
            let distilledPrecision = alpha * exp(-2 * Double(distilledLogStd[d]))
            let columnPrecision = exp(-2 * Double(columnLogStd[d]))
            let precision = distilledPrecision + columnPrecision
            distilledWeights.append(Float(distilledPrecision / precision))
            columnWeights.append(Float(columnPrecision / precision))
            logStd.append(Float(-0.5 * log(precision)))
        }
        self.distilledWeights = distilledWeights
        self.columnWeights = columnWeights
        self.logStd = logStd
    }

    /// Writes `μ = w₀·μ₀ + w_f·μ_f` into `mean` (the shape of both inputs).
    public func mean(distilled: Tensor, column: Tensor, into mean: inout Tensor) {
        precondition(distilled.rows == column.rows && distilled.columns == column.columns && column.columns == logStd.count)
        mean.reshape(rows: column.rows, columns: column.columns)
        let width = column.columns
        mean.storage.withUnsafeMutableBufferPointer { out in
            distilled.storage.withUnsafeBufferPointer { distilledMean in
                column.storage.withUnsafeBufferPointer { columnMean in
                    for k in 0..<out.count {
                        let d = k % width
                        out[k] = distilledWeights[d] * distilledMean[k] + columnWeights[d] * columnMean[k]
                    }
                }
            }
        }
    }

    /// Backpropagates through the product: `meanGradient` holds ∂L/∂μ on entry and ∂L/∂μ_f on return;
    /// ∂L/∂μ₀ is added to `distilledMeanGradient` (same shape), and ∂L/∂log σ₀ and ∂L/∂log σ_f, from
    /// `logStdGradient` = ∂L/∂log σ and the means, are added to `distilledLogStdGradient` and `columnLogStdGradient`.
    public func backward(
        distilledMean: Tensor, columnMean: Tensor, meanGradient: inout Tensor, logStdGradient: [Float],
        distilledMeanGradient: inout Tensor, distilledLogStdGradient: inout [Float], columnLogStdGradient: inout [Float]
    ) {
        let width = logStd.count
        precondition(meanGradient.columns == width && distilledMeanGradient.rows == meanGradient.rows && distilledMeanGradient.columns == width)
        var spread = [Double](repeating: 0, count: width)  // Σ_rows ∂L/∂μ·(μ₀ − μ_f)
        for row in 0..<meanGradient.rows {
            for d in 0..<width {
                let gradient = meanGradient[row, d]
                spread[d] += Double(gradient) * Double(distilledMean[row, d] - columnMean[row, d])
                distilledMeanGradient[row, d] += distilledWeights[d] * gradient
                meanGradient[row, d] = columnWeights[d] * gradient
            }
        }
        for d in 0..<width {
            let coupling = 2 * Double(distilledWeights[d]) * Double(columnWeights[d]) * spread[d]
            distilledLogStdGradient[d] += distilledWeights[d] * logStdGradient[d] - Float(coupling)
            columnLogStdGradient[d] += columnWeights[d] * logStdGradient[d] + Float(coupling)
        }
    }
}
