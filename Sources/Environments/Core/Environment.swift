import Randomness

/// A reinforcement-learning environment with Gymnasium's semantics.
///
/// Observations are flat Float vectors written into a caller's buffer of `observationSpace.size`
/// elements, so that stepping a batch of environments allocates nothing. The time limit is part of
/// the environment: `truncated` becomes true when `elapsedSteps` reaches `maxEpisodeSteps`.
public protocol Environment {
    /// The registered id, e.g. `CartPole-v1` or `Gridworld`.
    var id: String { get }
    var observationSpace: Box { get }
    var actionSpace: Space { get }
    /// The time limit; an episode is truncated on the step that reaches it.
    var maxEpisodeSteps: Int { get }
    /// Steps taken since the last reset.
    var elapsedSteps: Int { get set }

    /// Starts an episode: draws the initial state from `rng` and writes the first observation.
    mutating func reset(using rng: inout RandomGenerator, observation: UnsafeMutableBufferPointer<Float>)

    /// Applies `action`, writes the next observation and returns the reward and end flags.
    mutating func step(_ action: Action, observation: UnsafeMutableBufferPointer<Float>) -> StepOutcome

    /// The full internal state as numbers (for conformance tests and the viewer); setting it replaces the state.
    var state: [Double] { get set }

    /// Why `state` cannot be a state of this environment (nil when it can), checked before a saved state is set.
    func stateProblem(_ state: [Double]) -> String?

    /// Writes the observation of the current state.
    func observe(into observation: UnsafeMutableBufferPointer<Float>)

    /// What to draw for the current state, in world units.
    func scene() -> Scene

    /// True when the last step reached the task's goal state (a gridworld goal, the mountain-car flag,
    /// the acrobot bar); false for tasks without one.
    var goalReached: Bool { get }

    /// A short name for each discrete action (`actionSpace`'s count) or each continuous action dimension, for display.
    var actionNames: [String] { get }
}

extension Environment {
    public var goalReached: Bool { false }

    /// The actions' indices: "0", "1", … (one per discrete action or per continuous dimension).
    public var actionNames: [String] {
        switch actionSpace {
        case .discrete(let n): return (0..<n).map(String.init)
        case .box(let box): return (0..<box.size).map(String.init)
        }
    }

    /// Accepts any finite state of the right length.
    public func stateProblem(_ state: [Double]) -> String? {
        let expected = self.state.count
        if state.count != expected { return "\(state.count) state values where \(id) has \(expected)" }
        if let bad = state.firstIndex(where: { !$0.isFinite }) { return "state value \(bad) is \(state[bad])" }
        return nil
    }

    /// Starts an episode from a seed and returns the first observation (a convenience that allocates).
    public mutating func reset(seed: UInt64) -> [Float] {
        var rng = RandomGenerator(seed: seed)
        return reset(using: &rng)
    }

    /// Starts an episode and returns the first observation (a convenience that allocates).
    public mutating func reset(using rng: inout RandomGenerator) -> [Float] {
        var observation = [Float](repeating: 0, count: observationSpace.size)
        observation.withUnsafeMutableBufferPointer { reset(using: &rng, observation: $0) }
        return observation
    }

    /// Takes a discrete action and returns the observation with the outcome (a convenience that allocates).
    public mutating func step(_ action: Int) -> (observation: [Float], outcome: StepOutcome) {
        var observation = [Float](repeating: 0, count: observationSpace.size)
        let outcome = observation.withUnsafeMutableBufferPointer { step(.discrete(action), observation: $0) }
        return (observation, outcome)
    }

    /// Takes a continuous action and returns the observation with the outcome (a convenience that allocates).
    public mutating func step(_ action: [Float]) -> (observation: [Float], outcome: StepOutcome) {
        var observation = [Float](repeating: 0, count: observationSpace.size)
        let outcome = action.withUnsafeBufferPointer { a in
            observation.withUnsafeMutableBufferPointer { step(.continuous(a), observation: $0) }
        }
        return (observation, outcome)
    }

    /// The observation of the current state (a convenience that allocates).
    public func observation() -> [Float] {
        var observation = [Float](repeating: 0, count: observationSpace.size)
        observation.withUnsafeMutableBufferPointer { observe(into: $0) }
        return observation
    }

    /// Advances the time limit by one step and says whether it was reached.
    @inlinable
    public mutating func tickTimeLimit() -> Bool {
        elapsedSteps += 1
        return elapsedSteps >= maxEpisodeSteps
    }
}
