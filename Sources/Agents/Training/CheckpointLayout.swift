import Environments
import NeuralNetworks

/// Where a run's checkpoint keeps each piece of its state: every metadata key and state tensor name, in one place.
///
/// Metadata (strings): `agent` (the resolved preset as YAML), `suite` (the reference the run was started
/// with), `tasks` (names, one per line), `seed`, `environment_steps`, for distilled students `teachers`
/// (files, one per line), for `best.safetensors` `score`, and the saved suite (`SuiteDefinition`).
/// Tensors besides the parameters and `optimizer.*`: `state.progress` (U64 steps, updates), `state.rng`
/// (the run's generator), `state.popart.mean` and `state.popart.second_moment` (F64 per task),
/// `state.statistics` (F64, `TaskStatistics.encodedCount` per task), and per task i
/// `state.env.i.values` / `state.env.i.words` (its batch's snapshot).
public enum CheckpointLayout {
    public static let agent = "agent"
    public static let suite = "suite"
    public static let tasks = "tasks"
    public static let seed = "seed"
    public static let environmentSteps = "environment_steps"
    public static let teachers = "teachers"
    public static let score = "score"

    public static let progress = "state.progress"
    public static let rng = "state.rng"
    public static let popArtMean = "state.popart.mean"
    public static let popArtSecondMoment = "state.popart.second_moment"
    public static let statistics = "state.statistics"
    public static func environmentValues(task: Int) -> String { "state.env.\(task).values" }
    public static func environmentWords(task: Int) -> String { "state.env.\(task).words" }

    /// The metadata that says what a learner was trained on.
    public static func identity(of learner: any Learner, suite: String) -> [String: String] {
        [
            agent: learner.configuration.yaml,
            self.suite: suite,
            tasks: learner.tasks.map(\.name).joined(separator: "\n"),
            seed: String(learner.seed),
            environmentSteps: String(learner.environmentSteps),
        ]
    }

    /// Stores PopArt's statistics.
    public static func store(_ popArt: PopArt, in checkpoint: inout Checkpoint) {
        checkpoint.contents.set(popArtMean, doubles: popArt.means)
        checkpoint.contents.set(popArtSecondMoment, doubles: popArt.secondMoments)
    }

    /// The saved PopArt statistics for `tasks` tasks (nil when absent); throws when they are not finite
    /// or a second moment is negative.
    public static func popArtStatistics(in checkpoint: Checkpoint, tasks: Int) throws(CheckpointError) -> (means: [Double], secondMoments: [Double])?
    {
        guard let means = checkpoint.contents.doubles(popArtMean), means.count == tasks,
            let moments = checkpoint.contents.doubles(popArtSecondMoment), moments.count == tasks
        else { return nil }
        if let bad = (means + moments).first(where: { !$0.isFinite }) {
            throw CheckpointError(problem: "the saved PopArt statistics hold \(bad)")
        }
        if let negative = moments.first(where: { $0 < 0 }) {
            throw CheckpointError(problem: "a saved PopArt second moment is negative (\(negative))")
        }
        return (means, moments)
    }
}
