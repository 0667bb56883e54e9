import Environments

/// Somewhere each log interval's metrics are written: the console line, `metrics.csv`, TensorBoard.
///
/// A `TrainingRun` hands every interval's `IntervalMetrics` to each sink, then saves its checkpoint
/// between `willCheckpoint` and `didCheckpoint`. A sink chooses its side of the checkpoint: `metrics.csv`
/// is written before it (a resumed run drops rows past its checkpoint, so none is ever lost), TensorBoard
/// events and the console line after it (an event file is append-only, so a step is logged only once it is safe).
public protocol MetricsSink: AnyObject {
    /// Takes one interval's metrics.
    func record(_ metrics: IntervalMetrics)
    /// Called just before the run writes its latest checkpoint.
    func willCheckpoint() throws(ChorusError)
    /// Called once the latest checkpoint is written.
    func didCheckpoint() throws(ChorusError)
}

extension MetricsSink {
    public func willCheckpoint() throws(ChorusError) {}
    public func didCheckpoint() throws(ChorusError) {}
}
