import NeuralNetworks
import Testing

/// Finite-difference checks of analytic gradients.
public enum GradientCheck {
    /// The central difference `(f(x+h) − f(x−h)) / 2h` of `loss` with respect to every element of `values`.
    public static func numerical(_ values: inout [Float], step h: Float = 1e-2, loss: ([Float]) -> Double) -> [Double] {
        var out: [Double] = []
        for i in values.indices {
            let saved = values[i]
            values[i] = saved + h
            let plus = loss(values)
            values[i] = saved - h
            let minus = loss(values)
            values[i] = saved
            out.append((plus - minus) / (2 * Double(h)))
        }
        return out
    }

    /// Checks every element of `parameter`'s gradient against finite differences of `loss` (recomputed from scratch).
    public static func check(
        _ parameter: Parameter, step h: Float = 1e-2, tolerance: Double = 2e-2, sourceLocation: SourceLocation = #_sourceLocation,
        loss: () -> Double
    ) {
        var values = parameter.value.storage
        let numeric = numerical(&values, step: h) { v in
            parameter.value.storage = v
            return loss()
        }
        parameter.value.storage = values
        expectClose(parameter.gradient.storage.map(Double.init), numeric, tolerance: tolerance, what: parameter.name, sourceLocation: sourceLocation)
    }

    /// Expects `analytic ≈ numeric` element-wise, relative to the larger magnitude (at least 1 ⋅ 10⁻¹).
    public static func expectClose(
        _ analytic: [Double], _ numeric: [Double], tolerance: Double, what: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(analytic.count == numeric.count, "\(what): sizes differ", sourceLocation: sourceLocation)
        for (i, (a, n)) in zip(analytic, numeric).enumerated() {
            let scale = max(abs(a), abs(n), 0.1)
            if abs(a - n) > tolerance * scale {
                Issue.record("\(what)[\(i)]: analytic \(a) vs numeric \(n)", sourceLocation: sourceLocation)
                return
            }
        }
    }
}
