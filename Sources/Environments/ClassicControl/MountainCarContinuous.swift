#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Randomness

/// MountainCarContinuous-v0, bit-exact with Gymnasium 1.4 (`continuous_mountain_car.py`, 999-step limit).
///
/// The car pushes with a force in [−1, 1]; reaching x ≥ 0.45 gives +100 and terminates, and every step
/// costs `0.1·a²` of the *unclipped* action. Gymnasium stores the state as float32 after every step and
/// mixes float32 and float64 arithmetic by NumPy's promotion rules; `NumpyScalar` replays those rules.
public struct MountainCarContinuous: Environment {
    public var position = 0.0, velocity = 0.0
    /// False right after reset (the state is float64), true after any step (Gymnasium stores float32).
    public var stateIsFloat32 = false
    public var elapsedSteps = 0
    public private(set) var goalReached = false
    public var maxEpisodeSteps: Int
    public private(set) var lastForce = 0.0

    public init(maxEpisodeSteps: Int = 999) {
        self.maxEpisodeSteps = maxEpisodeSteps
    }

    public var id: String { "MountainCarContinuous-v0" }
    public var actionSpace: Space { .box(Box(low: [-1], high: [1])) }
    public var actionNames: [String] { ["force"] }
    public var observationSpace: Box { Box(low: [-1.2, -0.07], high: [0.6, 0.07]) }

    /// `(position, velocity)`. Setting it treats values that are exactly float32 as a stored float32 state.
    public var state: [Double] {
        get { [position, velocity] }
        set {
            (position, velocity) = (newValue[0], newValue[1])
            stateIsFloat32 = newValue.allSatisfy { Double(Float($0)) == $0 }
        }
    }

    public mutating func reset(using rng: inout RandomGenerator, observation: UnsafeMutableBufferPointer<Float>) {
        position = rng.uniform(-0.6, -0.4)
        velocity = 0
        stateIsFloat32 = false
        elapsedSteps = 0
        goalReached = false
        lastForce = 0
        observe(into: observation)
    }

    public mutating func step(_ action: Action, observation: UnsafeMutableBufferPointer<Float>) -> StepOutcome {
        typealias S = NumpyScalar
        let a = action.scalar
        let kind: NumpyScalar.Kind = stateIsFloat32 ? .float32 : .float64
        var p = S(position, kind), v = S(velocity, kind)
        // force = min(max(a, -1.0), 1.0): stays a float32 scalar unless clipped to a Python float.
        let force = a < -1 ? S.python(-1) : (a > 1 ? S.python(1) : S(Double(a), .float32))
        lastForce = force.value
        let c = S.python(0.0025 * cos((S.python(3) * p).value))
        v = v + (force * S.python(0.0015) - c)
        if v > S.python(0.07) { v = .python(0.07) }
        if v < S.python(-0.07) { v = .python(-0.07) }
        p = p + v
        if p > S.python(0.6) { p = .python(0.6) }
        if p < S.python(-1.2) { p = .python(-1.2) }
        if p == S.python(-1.2) && v < S.python(0) { v = .python(0) }
        let terminated = p >= S.python(0.45) && v >= S.python(0)
        let penalty = (Double(a) * Double(a)) * 0.1
        position = Double(Float(p.value))
        velocity = Double(Float(v.value))
        stateIsFloat32 = true
        goalReached = terminated
        observe(into: observation)
        return StepOutcome(reward: (terminated ? 100.0 : 0.0) - penalty, terminated: terminated, truncated: tickTimeLimit())
    }

    public func observe(into observation: UnsafeMutableBufferPointer<Float>) {
        observation[0] = Float(position)
        observation[1] = Float(velocity)
    }

    public func scene() -> Scene {
        MountainCarScene.make(position: position, goal: 0.45, push: lastForce)
    }
}

/// A NumPy 2 scalar: a value with its kind, combined by NEP 50 promotion rules.
///
/// `.python` floats are "weak": with a float32 scalar they are rounded to float32 first and the
/// operation is done in float32. `.float64` scalars are strong and make the result float64.
struct NumpyScalar {
    enum Kind { case float32, float64, python }
    var value: Double
    var kind: Kind

    init(_ value: Double, _ kind: Kind) {
        self.kind = kind
        self.value = kind == .float32 ? Double(Float(value)) : value
    }

    static func python(_ v: Double) -> NumpyScalar { NumpyScalar(v, .python) }

    /// The kind of a binary operation's result and the operands as that kind sees them.
    private static func promote(_ a: NumpyScalar, _ b: NumpyScalar) -> (Kind, Double, Double) {
        switch (a.kind, b.kind) {
        case (.float32, .float32), (.float32, .python), (.python, .float32):
            return (.float32, Double(Float(a.value)), Double(Float(b.value)))
        case (.python, .python):
            return (.python, a.value, b.value)
        default:
            return (.float64, a.value, b.value)
        }
    }

    static func + (a: NumpyScalar, b: NumpyScalar) -> NumpyScalar {
        let (k, x, y) = promote(a, b); return NumpyScalar(x + y, k)
    }
    static func - (a: NumpyScalar, b: NumpyScalar) -> NumpyScalar {
        let (k, x, y) = promote(a, b); return NumpyScalar(x - y, k)
    }
    static func * (a: NumpyScalar, b: NumpyScalar) -> NumpyScalar {
        let (k, x, y) = promote(a, b); return NumpyScalar(x * y, k)
    }
    static func > (a: NumpyScalar, b: NumpyScalar) -> Bool { let (_, x, y) = promote(a, b); return x > y }
    static func < (a: NumpyScalar, b: NumpyScalar) -> Bool { let (_, x, y) = promote(a, b); return x < y }
    static func >= (a: NumpyScalar, b: NumpyScalar) -> Bool { let (_, x, y) = promote(a, b); return x >= y }
    static func == (a: NumpyScalar, b: NumpyScalar) -> Bool { let (_, x, y) = promote(a, b); return x == y }
}
