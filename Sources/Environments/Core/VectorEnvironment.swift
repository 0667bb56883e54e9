import Randomness

/// N copies of one task's environment, stepped together with auto-reset in the same step.
///
/// Buffers are row-major `[count × size]` and reused across steps. When an episode ends in a step,
/// its last observation is kept in `finalObservations` (to bootstrap a truncation) and `observations`
/// already holds the first observation of the next episode.
public protocol VectorEnvironment: AnyObject {
    var count: Int { get }
    var observationSpace: Box { get }
    var actionSpace: Space { get }
    var maxEpisodeSteps: Int { get }

    /// The current observations, `[count × observationSpace.size]`.
    var observations: [Float] { get }
    /// The observations that ended episodes in the last step (valid where `terminated || truncated`).
    var finalObservations: [Float] { get }
    /// The last step's rewards and end flags, one per environment.
    var rewards: [Double] { get }
    var terminated: [Bool] { get }
    var truncated: [Bool] { get }

    /// Resets every environment (each draws from its own seeded stream).
    func reset()
    /// Steps every environment with its action: `actions` holds `count × actionSpace.flatSize` Floats
    /// (discrete actions as their index).
    func step(actions: UnsafeBufferPointer<Float>)
    /// Steps `steps` times with uniformly random actions drawn from `rng` (for benchmarks and the random baseline).
    func stepRandomly(steps: Int, using rng: inout RandomGenerator)
    /// The episodes finished since the last call, in the order they ended.
    func takeFinishedEpisodes() -> [EpisodeRecord]
    /// What to draw for environment `index`.
    func scene(of index: Int) -> Scene

    /// Everything needed to continue exactly where the batch is: states, clocks, episode sums, random streams.
    func snapshot() -> BatchSnapshot
    /// Continues from a snapshot taken of a batch of the same task and size.
    func restore(_ snapshot: BatchSnapshot) throws(ChorusError)
}

/// The resumable state of a batch: per environment `values` (state, elapsed steps, episode reward)
/// and the four words of its random stream.
public struct BatchSnapshot: Equatable, Sendable {
    public var values: [Double]
    public var words: [UInt64]
    public init(values: [Double], words: [UInt64]) { self.values = values; self.words = words }
}
