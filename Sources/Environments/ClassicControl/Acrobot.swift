#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Randomness

/// Acrobot-v1, bit-exact with Gymnasium 1.4 (`acrobot.py`, "book" dynamics, one RK4 step of 0.2 s).
///
/// Two links hang from a pivot; the torque −1, 0 or +1 acts on the joint between them. Reward −1
/// per step until the tip swings above the bar (`−cos θ1 − cos(θ1 + θ2) > 1`), then 0 and terminated.
/// Observation `(cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2)`; 500-step limit.
public struct Acrobot: Environment {
    public static let maxVelocity1 = 4 * Double.pi
    public static let maxVelocity2 = 9 * Double.pi

    public var theta1 = 0.0, theta2 = 0.0, dtheta1 = 0.0, dtheta2 = 0.0
    public var elapsedSteps = 0
    public private(set) var goalReached = false
    public var maxEpisodeSteps: Int
    public private(set) var lastTorque = 0.0

    public init(maxEpisodeSteps: Int = 500) {
        self.maxEpisodeSteps = maxEpisodeSteps
    }

    public var id: String { "Acrobot-v1" }
    public var actionSpace: Space { .discrete(3) }
    /// The torque each action applies to the joint.
    public var actionNames: [String] { ["−1", "0", "+1"] }
    public var observationSpace: Box {
        Box(low: [-1, -1, -1, -1, -12.566371, -28.274334], high: [1, 1, 1, 1, 12.566371, 28.274334])
    }

    public var state: [Double] {
        get { [theta1, theta2, dtheta1, dtheta2] }
        set { (theta1, theta2, dtheta1, dtheta2) = (newValue[0], newValue[1], newValue[2], newValue[3]) }
    }

    public mutating func reset(using rng: inout RandomGenerator, observation: UnsafeMutableBufferPointer<Float>) {
        // Gymnasium draws uniform(-0.1, 0.1) and casts it to float32.
        theta1 = Double(Float(rng.uniform(-0.1, 0.1)))
        theta2 = Double(Float(rng.uniform(-0.1, 0.1)))
        dtheta1 = Double(Float(rng.uniform(-0.1, 0.1)))
        dtheta2 = Double(Float(rng.uniform(-0.1, 0.1)))
        elapsedSteps = 0
        goalReached = false
        lastTorque = 0
        observe(into: observation)
    }

    public mutating func step(_ action: Action, observation: UnsafeMutableBufferPointer<Float>) -> StepOutcome {
        let torque = Double(action.index - 1)
        lastTorque = torque
        // One classic RK4 step of dt = 0.2 with the torque held constant.
        let y = SIMD4(theta1, theta2, dtheta1, dtheta2)
        let k1 = Self.derivatives(y, torque)
        let half: SIMD4<Double> = SIMD4(repeating: 0.1), full: SIMD4<Double> = SIMD4(repeating: 0.2)
        let k2 = Self.derivatives(y + half * k1, torque)
        let k3 = Self.derivatives(y + half * k2, torque)
        let k4 = Self.derivatives(y + full * k3, torque)
        let two: SIMD4<Double> = SIMD4(repeating: 2)
        let sum: SIMD4<Double> = ((k1 + two * k2) + two * k3) + k4
        let next: SIMD4<Double> = y + SIMD4(repeating: 0.2 / 6.0) * sum
        theta1 = Self.wrap(next[0])
        theta2 = Self.wrap(next[1])
        dtheta1 = min(max(next[2], -Self.maxVelocity1), Self.maxVelocity1)
        dtheta2 = min(max(next[3], -Self.maxVelocity2), Self.maxVelocity2)
        let terminated = -cos(theta1) - cos(theta2 + theta1) > 1.0
        goalReached = terminated
        observe(into: observation)
        return StepOutcome(reward: terminated ? 0.0 : -1.0, terminated: terminated, truncated: tickTimeLimit())
    }

    public func observe(into observation: UnsafeMutableBufferPointer<Float>) {
        observation[0] = Float(cos(theta1))
        observation[1] = Float(sin(theta1))
        observation[2] = Float(cos(theta2))
        observation[3] = Float(sin(theta2))
        observation[4] = Float(dtheta1)
        observation[5] = Float(dtheta2)
    }

    /// The equations of motion ("book" variant), with Gymnasium's folded constants and evaluation order.
    @inline(__always)
    static func derivatives(_ s: SIMD4<Double>, _ a: Double) -> SIMD4<Double> {
        let (theta1, theta2, dtheta1, dtheta2) = (s[0], s[1], s[2], s[3])
        let c2 = cos(theta2), s2 = sin(theta2)
        let d1 = ((0.25 + (1.25 + c2)) + 1.0) + 1.0
        let d2 = (0.25 + 0.5 * c2) + 1.0
        let phi2 = 4.9 * cos((theta1 + theta2) - Double.pi / 2.0)
        let phi1 =
            (((-0.5 * LibmPower.pow(dtheta2, 2)) * s2 - (dtheta2 * dtheta1) * s2)
                + 14.700000000000001 * cos(theta1 - Double.pi / 2)) + phi2
        let ddtheta2 = (((a + (d2 / d1) * phi1) - (0.5 * LibmPower.pow(dtheta1, 2)) * s2) - phi2) / (1.25 - LibmPower.pow(d2, 2) / d1)
        let ddtheta1 = -(d2 * ddtheta2 + phi1) / d1
        return SIMD4(dtheta1, dtheta2, ddtheta1, ddtheta2)
    }

    /// Wraps an angle into [-π, π] by whole turns, as Gymnasium's `wrap`.
    static func wrap(_ angle: Double) -> Double {
        var x = angle
        while x > Double.pi { x = x - 2 * Double.pi }
        while x < -Double.pi { x = x + 2 * Double.pi }
        return x
    }

    public func scene() -> Scene {
        let p1 = Scene.Point(sin(theta1), -cos(theta1))
        let p2 = Scene.Point(p1.x + sin(theta1 + theta2), p1.y - cos(theta1 + theta2))
        let linkColor = Color(0, 204, 204), jointColor = Color(204, 204, 0)
        var shapes: [Scene.Shape] = [
            .line(from: .init(-2.2, 1), to: .init(2.2, 1), width: 0.02, .black),
            .line(from: .init(0, 0), to: p1, width: 0.1, linkColor),
            .line(from: p1, to: p2, width: 0.1, linkColor),
            .circle(center: .init(0, 0), radius: 0.06, jointColor),
            .circle(center: p1, radius: 0.06, jointColor),
        ]
        if lastTorque != 0 {
            shapes.append(.circle(center: p1, radius: 0.12, lastTorque > 0 ? Color(220, 60, 60, 140) : Color(60, 60, 220, 140)))
        }
        return Scene(bounds: .init(x: -2.2, y: -2.2, width: 4.4, height: 4.4), shapes: shapes)
    }
}
