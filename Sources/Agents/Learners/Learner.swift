import Environments
import NeuralNetworks

/// Something that improves a `MultiTaskPolicy` one iteration at a time while stepping environments:
/// the `ActorCriticLearner` or the `Distiller`. A `TrainingRun` drives either one.
public protocol Learner: AnyObject {
    var tasks: [Task] { get }
    var configuration: AgentConfiguration { get }
    var seed: UInt64 { get }
    var policy: MultiTaskPolicy { get }
    /// The value normalisation the policy's value heads are read with.
    var popArt: PopArt { get }
    var environmentSteps: Int { get }
    /// Statistics of the current log interval, one per task.
    var statistics: [TaskStatistics] { get set }
    /// Adds the current interval's statistics to `metrics` under their names, with this learner's own metrics.
    func addMetrics(to metrics: inout IntervalMetrics)
    /// Collects experience and updates the policy once; throws when a loss is not finite.
    func iterate() throws(TrainingError)
    /// Everything needed to evaluate (and, for the trainer, resume) the run, with `suite` as its suite reference.
    func checkpoint(suite: String) -> Checkpoint
}

extension ActorCriticLearner: Learner {}
