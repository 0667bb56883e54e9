import Foundation
import NeuralNetworks

/// The per-state losses of policy distillation, each with its gradient on the student's outputs.
///
/// Categorical heads, with teacher logits q, student logits z, `p = softmax(q/τ)` and `s = softmax(z)`:
/// - `kl`:  `L = Σ_a p(a)·log(p(a)/s(a))`,  `∂L/∂z = s − p`
/// - `nll`: `L = −log s(argmax_a q(a))`,    `∂L/∂z = s − e_argmax`
/// - `mse`: `L = Σ_a (q(a) − z(a))²`,       `∂L/∂z = 2(z − q)`
///
/// Gaussian heads (state-independent log-std), teacher `N(μ_T, σ_T²)` with `σ_T = τ·exp(logσ_T)`,
/// student `N(μ_S, σ_S²)`, summed over dimensions:
/// - `kl`:  `L = log(σ_S/σ_T) + (σ_T² + (μ_T − μ_S)²)/(2σ_S²) − ½`,
///          `∂L/∂μ_S = (μ_S − μ_T)/σ_S²`, `∂L/∂logσ_S = 1 − (σ_T² + (μ_T − μ_S)²)/σ_S²`
/// - `nll`: `L = −log N(μ_T; μ_S, σ_S²) = (μ_T − μ_S)²/(2σ_S²) + logσ_S + ½log 2π`,
///          `∂L/∂μ_S = (μ_S − μ_T)/σ_S²`, `∂L/∂logσ_S = 1 − (μ_T − μ_S)²/σ_S²`
/// - `mse`: `L = (μ_T − μ_S)² + (logσ_S − logσ_T)²`
///
/// The teacher's softmax is taken in log space (τ = 0.01 on large logits does not overflow) and
/// `p·log p` is 0 at p = 0. Sums run in Double.
public enum DistillationLoss: String, Sendable, CaseIterable {
    case kl, nll, mse

    /// The loss of one categorical row; adds `scale·∂L/∂z` into `gradient` when given.
    public func categorical(
        teacher q: UnsafePointer<Float>, student z: UnsafePointer<Float>, count n: Int, temperature: Double,
        scale: Float = 1, gradient: UnsafeMutablePointer<Float>? = nil
    ) -> Double {
        let logS = Self.logSoftmax(z, count: n, temperature: 1)
        switch self {
        case .kl:
            let logP = Self.logSoftmax(q, count: n, temperature: temperature)
            var loss = 0.0
            for a in 0..<n {
                let p = exp(logP[a])
                if p > 0 { loss += p * (logP[a] - logS[a]) }
                gradient?[a] += scale * Float(exp(logS[a]) - p)
            }
            return loss
        case .nll:
            var best = 0
            for a in 1..<max(n, 1) where q[a] > q[best] { best = a }
            if let gradient { for a in 0..<n { gradient[a] += scale * Float(exp(logS[a]) - (a == best ? 1 : 0)) } }
            return -logS[best]
        case .mse:
            var loss = 0.0
            for a in 0..<n {
                let d = Double(z[a]) - Double(q[a])
                loss += d * d
                gradient?[a] += scale * Float(2 * d)
            }
            return loss
        }
    }

    /// The loss of one Gaussian row; adds `scale·∂L/∂μ_S` into `meanGradient` and `scale·∂L/∂logσ_S`
    /// into `logStdGradient` when given.
    public func gaussian(
        teacherMean: UnsafePointer<Float>, teacherLogStd: [Float], studentMean: UnsafePointer<Float>, studentLogStd: [Float],
        temperature: Double, scale: Float = 1,
        meanGradient: UnsafeMutablePointer<Float>? = nil, logStdGradient: UnsafeMutablePointer<Float>? = nil
    ) -> Double {
        var loss = 0.0
        for d in 0..<studentLogStd.count {
            let logTeacher = Double(teacherLogStd[d]) + log(temperature), logStudent = Double(studentLogStd[d])
            let teacherVariance = exp(2 * logTeacher), studentVariance = exp(2 * logStudent)
            let difference = Double(studentMean[d]) - Double(teacherMean[d])
            let dMean: Double, dLogStd: Double
            switch self {
            case .kl:
                loss += logStudent - logTeacher + (teacherVariance + difference * difference) / (2 * studentVariance) - 0.5
                dMean = difference / studentVariance
                dLogStd = 1 - (teacherVariance + difference * difference) / studentVariance
            case .nll:
                loss += difference * difference / (2 * studentVariance) + logStudent + 0.5 * log(2 * Double.pi)
                dMean = difference / studentVariance
                dLogStd = 1 - difference * difference / studentVariance
            case .mse:
                loss += difference * difference + (logStudent - logTeacher) * (logStudent - logTeacher)
                dMean = 2 * difference
                dLogStd = 2 * (logStudent - logTeacher)
            }
            meanGradient?[d] += scale * Float(dMean)
            logStdGradient?[d] += scale * Float(dLogStd)
        }
        return loss
    }

    /// Actor-Mimic's feature regression `β·mean_rows ‖f − h_T‖²` of projected student features f against
    /// the teacher's h_T; writes `∂L/∂f = 2β(f − h_T)/rows` into `gradient`.
    public static func featureRegression(projected f: Tensor, target h: Tensor, coefficient beta: Double, gradient: inout Tensor) -> Double {
        precondition(f.rows == h.rows && f.columns == h.columns, "feature shapes differ")
        gradient.reshape(rows: f.rows, columns: f.columns)
        let rows = Double(max(f.rows, 1))
        var loss = 0.0
        for k in 0..<f.count {
            let d = Double(f.storage[k]) - Double(h.storage[k])
            loss += d * d
            gradient.storage[k] = Float(2 * beta * d / rows)
        }
        return beta * loss / rows
    }

    /// `log softmax(x/τ)` in Double, max-subtracted.
    static func logSoftmax(_ x: UnsafePointer<Float>, count n: Int, temperature: Double) -> [Double] {
        var m = -Double.infinity
        for a in 0..<n { m = max(m, Double(x[a]) / temperature) }
        var sum = 0.0
        for a in 0..<n { sum += exp(Double(x[a]) / temperature - m) }
        let logSum = m + log(sum)
        return (0..<n).map { Double(x[$0]) / temperature - logSum }
    }

    /// The teacher's target distribution `softmax(q/τ)` (for tests and diagnostics).
    public static func teacherProbabilities(_ q: [Float], temperature: Double) -> [Double] {
        q.withUnsafeBufferPointer { logSoftmax($0.baseAddress!, count: q.count, temperature: temperature).map(exp) }
    }
}
