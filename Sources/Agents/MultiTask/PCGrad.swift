import Randomness

/// PCGrad, "projecting conflicting gradients" (Yu et al. 2020, *Gradient Surgery for Multi-Task Learning*,
/// Algorithm 1), on the parameters the tasks share.
///
/// For each task i, in turn, with `g_i^PC ← g_i` and the other tasks j in a random order:
///
///     if g_i^PC · g_j < 0:   g_i^PC ← g_i^PC − (g_i^PC · g_j) / ‖g_j‖² · g_j
///
/// (each projection uses the other task's *original* gradient), and the update direction is `Σ_i g_i^PC`.
/// Gradients that do not conflict pass unchanged, so with one task, or none in conflict, this is the plain sum.
public enum PCGrad {
    /// The combined gradient of `gradients` (one flat vector per task, all the same length), drawing each
    /// task's projection order from `rng`.
    public static func combine(_ gradients: [[Double]], using rng: inout RandomGenerator) -> [Double] {
        guard let length = gradients.first?.count else { return [] }
        let squaredNorms = gradients.map { dot($0, $0) }
        var combined = [Double](repeating: 0, count: length)
        for i in gradients.indices {
            var projected = gradients[i]
            var others = gradients.indices.filter { $0 != i }
            for k in stride(from: others.count - 1, to: 0, by: -1) { others.swapAt(k, rng.integer(below: k + 1)) }
            for j in others where squaredNorms[j] > 0 {
                let overlap = dot(projected, gradients[j])
                guard overlap < 0 else { continue }
                let scale = overlap / squaredNorms[j]
                for k in 0..<length { projected[k] -= scale * gradients[j][k] }
            }
            for k in 0..<length { combined[k] += projected[k] }
        }
        return combined
    }

    /// The mean cosine similarity of task i's gradient with each other task's: `cos(g_i, g_j) = g_i·g_j / (‖g_i‖‖g_j‖)`,
    /// NaN when there is no other task or a gradient is zero.
    public static func meanCosine(_ gradients: [[Double]], task i: Int) -> Double {
        let others = gradients.indices.filter { $0 != i }
        guard !others.isEmpty else { return .nan }
        let own = dot(gradients[i], gradients[i]).squareRoot()
        let cosines = others.map { j in dot(gradients[i], gradients[j]) / (own * dot(gradients[j], gradients[j]).squareRoot()) }
        return cosines.reduce(0, +) / Double(cosines.count)
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for k in a.indices { sum += a[k] * b[k] }
        return sum
    }
}
