#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Randomness

/// Pendulum-v1, bit-exact with Gymnasium 1.4 (`pendulum.py`, 200-step limit, never terminates).
///
/// Swing a pendulum up and keep it upright (θ = 0) with a torque in [−2, 2]. The reward is
/// `−(normalize(θ)² + 0.1·θ̇² + 0.001·u²)` of the state before the step. Observation `(cos θ, sin θ, θ̇)`.
public struct Pendulum: Environment {
    public var theta = 0.0, thetaDot = 0.0
    public var elapsedSteps = 0
    public var maxEpisodeSteps: Int
    public private(set) var lastTorque: Float = 0

    public init(maxEpisodeSteps: Int = 200) {
        self.maxEpisodeSteps = maxEpisodeSteps
    }

    public var id: String { "Pendulum-v1" }
    public var actionSpace: Space { .box(Box(low: [-2], high: [2])) }
    public var actionNames: [String] { ["torque"] }
    public var observationSpace: Box { Box(low: [-1, -1, -8], high: [1, 1, 8]) }

    public var state: [Double] {
        get { [theta, thetaDot] }
        set { (theta, thetaDot) = (newValue[0], newValue[1]) }
    }

    public mutating func reset(using rng: inout RandomGenerator, observation: UnsafeMutableBufferPointer<Float>) {
        theta = rng.uniform(-Double.pi, Double.pi)
        thetaDot = rng.uniform(-1, 1)
        elapsedSteps = 0
        lastTorque = 0
        observe(into: observation)
    }

    public mutating func step(_ action: Action, observation: UnsafeMutableBufferPointer<Float>) -> StepOutcome {
        let u = min(max(action.scalar, -2), 2)  // float32
        lastTorque = u
        let controlCost = Float(0.001) * LibmPower.powf(u, 2)  // float32, as NumPy evaluates `0.001 * (u**2)`
        let costs = (LibmPower.pow(Self.normalizeAngle(theta), 2) + 0.1 * LibmPower.pow(thetaDot, 2)) + Double(controlCost)
        let torqueTerm = Double(Float(3.0) * u)  // `3.0 / (m * l**2) * u` in float32
        var newThetaDot = thetaDot + (15.0 * sin(theta) + torqueTerm) * 0.05
        newThetaDot = min(max(newThetaDot, -8), 8)
        theta = theta + newThetaDot * 0.05
        thetaDot = newThetaDot
        observe(into: observation)
        return StepOutcome(reward: -costs, terminated: false, truncated: tickTimeLimit())
    }

    public func observe(into observation: UnsafeMutableBufferPointer<Float>) {
        observation[0] = Float(cos(theta))
        observation[1] = Float(sin(theta))
        observation[2] = Float(thetaDot)
    }

    /// `((x + π) mod 2π) − π` with Python's floored modulo.
    static func normalizeAngle(_ x: Double) -> Double {
        let y = 2 * Double.pi
        var r = fmod(x + Double.pi, y)
        if r != 0 && (r < 0) != (y < 0) { r += y }
        return r - Double.pi
    }

    public func scene() -> Scene {
        let tip = Scene.Point(sin(theta), cos(theta))
        var shapes: [Scene.Shape] = [
            .line(from: .init(0, 0), to: tip, width: 0.2, Color(204, 77, 77)),
            .circle(center: .init(0, 0), radius: 0.05, .black),
        ]
        if lastTorque != 0 {
            // The applied torque as an arc whose length is proportional to |u|.
            let sweep = Double(lastTorque) / 2 * Double.pi * 0.75
            let arc = (0...16).map { i -> Scene.Point in
                let t = Double.pi / 2 + sweep * Double(i) / 16
                return Scene.Point(0.4 * cos(t), 0.4 * sin(t))
            }
            shapes.append(.polyline(arc, width: 0.03, Color(60, 60, 60)))
        }
        return Scene(bounds: .init(x: -1.2, y: -1.2, width: 2.4, height: 2.4), shapes: shapes)
    }
}
