#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Randomness

/// MountainCar-v0, bit-exact with Gymnasium 1.4 (`mountain_car.py`, 200-step limit).
///
/// An under-powered car in a valley must reach the flag at x = 0.5 on the right hill by rocking.
/// Actions: 0 push left, 1 coast, 2 push right. Reward −1 every step. State `(position, velocity)`.
public struct MountainCar: Environment {
    public var position = 0.0, velocity = 0.0
    public var elapsedSteps = 0
    public private(set) var goalReached = false
    public var maxEpisodeSteps: Int
    public private(set) var lastAction = 1

    public init(maxEpisodeSteps: Int = 200) {
        self.maxEpisodeSteps = maxEpisodeSteps
    }

    public var id: String { "MountainCar-v0" }
    public var actionSpace: Space { .discrete(3) }
    public var actionNames: [String] { ["left", "none", "right"] }
    public var observationSpace: Box { Box(low: [-1.2, -0.07], high: [0.6, 0.07]) }

    public var state: [Double] {
        get { [position, velocity] }
        set { (position, velocity) = (newValue[0], newValue[1]) }
    }

    public mutating func reset(using rng: inout RandomGenerator, observation: UnsafeMutableBufferPointer<Float>) {
        position = rng.uniform(-0.6, -0.4)
        velocity = 0
        elapsedSteps = 0
        goalReached = false
        lastAction = 1
        observe(into: observation)
    }

    public mutating func step(_ action: Action, observation: UnsafeMutableBufferPointer<Float>) -> StepOutcome {
        let a = action.index
        lastAction = a
        velocity = velocity + (Double(a - 1) * 0.001 + cos(3 * position) * (-0.0025))
        velocity = min(max(velocity, -0.07), 0.07)
        position = position + velocity
        position = min(max(position, -1.2), 0.6)
        if position == -1.2 && velocity < 0 { velocity = 0 }
        let terminated = position >= 0.5 && velocity >= 0
        goalReached = terminated
        observe(into: observation)
        return StepOutcome(reward: -1.0, terminated: terminated, truncated: tickTimeLimit())
    }

    public func observe(into observation: UnsafeMutableBufferPointer<Float>) {
        observation[0] = Float(position)
        observation[1] = Float(velocity)
    }

    public func scene() -> Scene {
        MountainCarScene.make(position: position, goal: 0.5, push: Double(lastAction - 1))
    }
}

/// The drawing shared by both mountain-car tasks: the hill `y = sin(3x)·0.45 + 0.55`, the car and the flag.
enum MountainCarScene {
    static func height(_ x: Double) -> Double { sin(3 * x) * 0.45 + 0.55 }

    static func make(position: Double, goal: Double, push: Double) -> Scene {
        let hill = stride(from: -1.2, through: 0.6, by: 0.02).map { Scene.Point($0, height($0)) }
        let slope = atan(cos(3 * position) * 3 * 0.45)
        let (cx, cy) = (position, height(position))
        let (w, h) = (0.1, 0.05)
        let (ux, uy) = (cos(slope), sin(slope))
        let (nx, ny) = (-uy, ux)
        let body: [Scene.Point] = [
            .init(cx - ux * w / 2, cy - uy * w / 2 + 0.01),
            .init(cx + ux * w / 2, cy + uy * w / 2 + 0.01),
            .init(cx + ux * w / 2 + nx * h, cy + uy * w / 2 + ny * h + 0.01),
            .init(cx - ux * w / 2 + nx * h, cy - uy * w / 2 + ny * h + 0.01),
        ]
        let flagBase = Scene.Point(goal, height(goal))
        var shapes: [Scene.Shape] = [
            .polyline(hill, width: 0.01, .black),
            .line(from: flagBase, to: .init(goal, flagBase.y + 0.1), width: 0.008, .black),
            .polygon([.init(goal, flagBase.y + 0.1), .init(goal, flagBase.y + 0.07), .init(goal + 0.05, flagBase.y + 0.085)], Color(204, 204, 0)),
            .polygon(body, Color(40, 40, 40)),
        ]
        if push != 0 {
            let p = Scene.Point(cx + nx * 0.09, cy + ny * 0.09)
            shapes.append(.line(from: p, to: .init(p.x + ux * 0.08 * push, p.y + uy * 0.08 * push), width: 0.01, Color(220, 60, 60)))
        }
        return Scene(bounds: .init(x: -1.2, y: 0, width: 1.8, height: 1.2), shapes: shapes)
    }
}
