#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Randomness

/// CartPole-v1, bit-exact with Gymnasium 1.4 (`cartpole.py`, explicit Euler, 500-step limit).
///
/// A pole is hinged on a cart moving along a track; action 1 pushes right with 10 N, 0 pushes left.
/// Reward +1 every step (also the terminating one); the episode terminates when |x| > 2.4 or
/// |θ| > 12°. State `(x, ẋ, θ, θ̇)` in Double; observations are its float32 rounding.
public struct CartPole: Environment {
    public static let thetaThreshold = 12 * 2 * Double.pi / 360  // 0.20943951023931953
    public static let xThreshold = 2.4

    public var x = 0.0, xDot = 0.0, theta = 0.0, thetaDot = 0.0
    public var elapsedSteps = 0
    public var maxEpisodeSteps: Int
    /// The action of the last step (for the viewer).
    public private(set) var lastAction = -1

    public init(maxEpisodeSteps: Int = 500) {
        self.maxEpisodeSteps = maxEpisodeSteps
    }

    public var id: String { "CartPole-v1" }
    public var actionSpace: Space { .discrete(2) }
    public var actionNames: [String] { ["left", "right"] }
    public var observationSpace: Box {
        let big = Float.greatestFiniteMagnitude
        return Box(low: [-4.8, -big, -0.41887903, -big], high: [4.8, big, 0.41887903, big])
    }

    public var state: [Double] {
        get { [x, xDot, theta, thetaDot] }
        set { (x, xDot, theta, thetaDot) = (newValue[0], newValue[1], newValue[2], newValue[3]) }
    }

    public mutating func reset(using rng: inout RandomGenerator, observation: UnsafeMutableBufferPointer<Float>) {
        x = rng.uniform(-0.05, 0.05)
        xDot = rng.uniform(-0.05, 0.05)
        theta = rng.uniform(-0.05, 0.05)
        thetaDot = rng.uniform(-0.05, 0.05)
        elapsedSteps = 0
        lastAction = -1
        observe(into: observation)
    }

    public mutating func step(_ action: Action, observation: UnsafeMutableBufferPointer<Float>) -> StepOutcome {
        let a = action.index
        lastAction = a
        let force = a == 1 ? 10.0 : -10.0
        let c = cos(theta), s = sin(theta)
        let temp = (force + (0.05 * (thetaDot * thetaDot)) * s) / 1.1
        let thetaAcc = (9.8 * s - c * temp) / (0.5 * (4.0 / 3.0 - (0.1 * (c * c)) / 1.1))
        let xAcc = temp - ((0.05 * thetaAcc) * c) / 1.1
        x = x + 0.02 * xDot
        xDot = xDot + 0.02 * xAcc
        theta = theta + 0.02 * thetaDot
        thetaDot = thetaDot + 0.02 * thetaAcc
        let terminated =
            x < -Self.xThreshold || x > Self.xThreshold
            || theta < -Self.thetaThreshold || theta > Self.thetaThreshold
        observe(into: observation)
        return StepOutcome(reward: 1.0, terminated: terminated, truncated: tickTimeLimit())
    }

    public func observe(into observation: UnsafeMutableBufferPointer<Float>) {
        observation[0] = Float(x)
        observation[1] = Float(xDot)
        observation[2] = Float(theta)
        observation[3] = Float(thetaDot)
    }

    public func scene() -> Scene {
        let cartWidth = 0.5, cartHeight = 0.3, poleLength = 1.0, axleY = 0.15
        let cart = Scene.Rect(x: x - cartWidth / 2, y: 0, width: cartWidth, height: cartHeight)
        let tip = Scene.Point(x + poleLength * sin(theta), axleY + poleLength * cos(theta))
        var shapes: [Scene.Shape] = [
            .line(from: .init(-2.4, 0), to: .init(2.4, 0), width: 0.02, .black),
            .rectangle(cart, Color(40, 40, 40)),
            .line(from: .init(x, axleY), to: tip, width: 0.1, Color(202, 152, 101)),
            .circle(center: .init(x, axleY), radius: 0.05, Color(129, 132, 203)),
        ]
        if lastAction >= 0 {
            let direction = lastAction == 1 ? 1.0 : -1.0
            shapes.append(.line(from: .init(x, -0.15), to: .init(x + 0.4 * direction, -0.15), width: 0.04, Color(220, 60, 60)))
        }
        return Scene(bounds: .init(x: -2.6, y: -0.4, width: 5.2, height: 1.8), shapes: shapes)
    }
}
