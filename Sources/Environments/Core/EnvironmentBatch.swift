import Randomness

/// The vectorised batch for one environment type: `count` copies with per-copy random streams.
///
/// Copy `i` draws its resets from `RandomGenerator(seed: seed, stream: stream + i)`, so the batch is
/// deterministic and copies never share randomness. The step loop works on local copies of the
/// buffers (moved out and back), so it runs without exclusivity checks or copy-on-write, and it is
/// pre-specialised for every built-in environment.
public final class EnvironmentBatch<E: Environment>: VectorEnvironment {
    /// One environment of the batch with its own random stream and running episode reward.
    struct Lane {
        var environment: E
        var generator: RandomGenerator
        var episodeReward = 0.0
    }

    private var lanes: [Lane]
    public let observationSpace: Box
    public let actionSpace: Space
    public private(set) var observations: [Float]
    public private(set) var finalObservations: [Float]
    public private(set) var rewards: [Double]
    public private(set) var terminated: [Bool]
    public private(set) var truncated: [Bool]
    private var finished: [EpisodeRecord] = []
    private let observationSize: Int
    private let actionSize: Int
    private var randomActions: [Float]

    /// `count` copies of `prototype`, seeded from `seed` on streams `stream ..< stream + count`.
    public init(_ prototype: E, count: Int, seed: UInt64, stream: UInt64 = 0) {
        precondition(count > 0, "a batch needs at least one environment")
        lanes = (0..<count).map { Lane(environment: prototype, generator: RandomGenerator(seed: seed, stream: stream &+ UInt64($0))) }
        observationSpace = prototype.observationSpace
        actionSpace = prototype.actionSpace
        observationSize = observationSpace.size
        actionSize = actionSpace.flatSize
        observations = Array(repeating: 0, count: count * observationSize)
        finalObservations = observations
        rewards = Array(repeating: 0, count: count)
        terminated = Array(repeating: false, count: count)
        truncated = Array(repeating: false, count: count)
        randomActions = Array(repeating: 0, count: count * actionSize)
        reset()
    }

    public var count: Int { lanes.count }
    public var maxEpisodeSteps: Int { lanes[0].environment.maxEpisodeSteps }
    /// The environments, for inspection.
    public var environments: [E] { lanes.map(\.environment) }

    public func reset() {
        let size = observationSize
        observations.withUnsafeMutableBufferPointer { obs in
            lanes.withUnsafeMutableBufferPointer { lanes in
                for i in lanes.indices {
                    lanes[i].episodeReward = 0
                    lanes[i].environment.reset(using: &lanes[i].generator, observation: .init(start: obs.baseAddress! + i * size, count: size))
                }
            }
        }
        for i in 0..<count {
            rewards[i] = 0
            terminated[i] = false
            truncated[i] = false
        }
    }

    @_specialize(where E == CartPole)
    @_specialize(where E == Acrobot)
    @_specialize(where E == MountainCar)
    @_specialize(where E == MountainCarContinuous)
    @_specialize(where E == Pendulum)
    @_specialize(where E == Gridworld)
    @_specialize(where E == MinAtarEnvironment<Asterix>)
    @_specialize(where E == MinAtarEnvironment<Breakout>)
    @_specialize(where E == MinAtarEnvironment<Freeway>)
    @_specialize(where E == MinAtarEnvironment<Seaquest>)
    @_specialize(where E == MinAtarEnvironment<SpaceInvaders>)
    public func step(actions: UnsafeBufferPointer<Float>) {
        precondition(actions.count >= count * actionSize, "expected \(count * actionSize) action values, got \(actions.count)")
        var lanes = [Lane](), obs = [Float](), final = [Float](), rewards = [Double](), terminated = [Bool](), truncated = [Bool]()
        swap(&lanes, &self.lanes); swap(&obs, &observations); swap(&final, &finalObservations)
        swap(&rewards, &self.rewards); swap(&terminated, &self.terminated); swap(&truncated, &self.truncated)
        defer {
            swap(&lanes, &self.lanes); swap(&obs, &observations); swap(&final, &finalObservations)
            swap(&rewards, &self.rewards); swap(&terminated, &self.terminated); swap(&truncated, &self.truncated)
        }
        let size = observationSize, actionSize = actionSize
        let discrete: Bool
        if case .discrete = actionSpace { discrete = true } else { discrete = false }
        let base = actions.baseAddress!
        lanes.withUnsafeMutableBufferPointer { lanes in
            obs.withUnsafeMutableBufferPointer { obs in
                final.withUnsafeMutableBufferPointer { final in
                    for i in 0..<lanes.count {
                        let slot = UnsafeMutableBufferPointer(start: obs.baseAddress! + i * size, count: size)
                        let action: Action =
                            discrete
                            ? .discrete(Int(base[i]))
                            : .continuous(UnsafeBufferPointer(start: base + i * actionSize, count: actionSize))
                        let outcome = lanes[i].environment.step(action, observation: slot)
                        rewards[i] = outcome.reward
                        terminated[i] = outcome.terminated
                        truncated[i] = outcome.truncated
                        lanes[i].episodeReward += outcome.reward
                        if outcome.done {
                            // Keep the final observation, book the episode, and start the next one in the same step.
                            (final.baseAddress! + i * size).update(from: slot.baseAddress!, count: size)
                            finished.append(
                                EpisodeRecord(
                                    environment: i, totalReward: lanes[i].episodeReward, length: lanes[i].environment.elapsedSteps,
                                    terminated: outcome.terminated, truncated: outcome.truncated, goalReached: lanes[i].environment.goalReached))
                            lanes[i].episodeReward = 0
                            lanes[i].environment.reset(using: &lanes[i].generator, observation: slot)
                        }
                    }
                }
            }
        }
    }

    public func stepRandomly(steps: Int, using rng: inout RandomGenerator) {
        var actions = [Float]()
        swap(&actions, &randomActions)
        defer { swap(&actions, &randomActions) }
        let space = actionSpace, actionSize = actionSize, n = count
        for _ in 0..<steps {
            actions.withUnsafeMutableBufferPointer { a in
                for i in 0..<n {
                    space.sample(into: .init(start: a.baseAddress! + i * actionSize, count: actionSize), using: &rng)
                }
            }
            actions.withUnsafeBufferPointer { step(actions: $0) }
        }
    }

    public func takeFinishedEpisodes() -> [EpisodeRecord] {
        defer { finished.removeAll(keepingCapacity: true) }
        return finished
    }

    public func scene(of index: Int) -> Scene { lanes[index].environment.scene() }

    public func snapshot() -> BatchSnapshot {
        var values: [Double] = [], words: [UInt64] = []
        for lane in lanes {
            values += lane.environment.state + [Double(lane.environment.elapsedSteps), lane.episodeReward]
            words += lane.generator.stateWords
        }
        return BatchSnapshot(values: values, words: words)
    }

    public func restore(_ snapshot: BatchSnapshot) throws(ChorusError) {
        let width = snapshot.values.count / max(count, 1)
        guard snapshot.values.count == count * width, width >= 2, snapshot.words.count == 4 * count,
            width - 2 == lanes[0].environment.state.count
        else {
            throw ChorusError(file: "checkpoint", problem: "the saved environment state does not fit this task's batch of \(count)")
        }
        let size = observationSize
        // Check every environment before changing any, so a bad snapshot leaves the batch as it was.
        var restored: [(state: [Double], elapsed: Int, reward: Double, generator: RandomGenerator)] = []
        for i in 0..<count {
            let row = Array(snapshot.values[(i * width)..<((i + 1) * width)])
            let state = Array(row[0..<(width - 2)])
            guard let generator = RandomGenerator(stateWords: Array(snapshot.words[(4 * i)..<(4 * i + 4)])) else {
                throw ChorusError(file: "checkpoint", problem: "the saved random stream of environment \(i) is invalid")
            }
            if let problem = lanes[i].environment.stateProblem(state) {
                throw ChorusError(file: "checkpoint", problem: "the saved state of environment \(i) is invalid: \(problem)")
            }
            guard let elapsed = Int(exactly: row[width - 2]), (0...maxEpisodeSteps).contains(elapsed) else {
                throw ChorusError(
                    file: "checkpoint", problem: "environment \(i) has \(row[width - 2]) elapsed steps, not a whole number in 0...\(maxEpisodeSteps)")
            }
            guard row[width - 1].isFinite else {
                throw ChorusError(file: "checkpoint", problem: "environment \(i) has a non-finite episode reward \(row[width - 1])")
            }
            restored.append((state, elapsed, row[width - 1], generator))
        }
        for i in 0..<count {
            lanes[i].environment.state = restored[i].state
            lanes[i].environment.elapsedSteps = restored[i].elapsed
            lanes[i].episodeReward = restored[i].reward
            lanes[i].generator = restored[i].generator
            observations.withUnsafeMutableBufferPointer { obs in
                lanes[i].environment.observe(into: .init(start: obs.baseAddress! + i * size, count: size))
            }
        }
    }
}
