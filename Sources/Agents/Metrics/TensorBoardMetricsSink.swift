import Environments
import Foundation

/// Every metric of every interval as a TensorBoard scalar (`tensorboard --logdir runs`), in an event file
/// of the run directory; each process (a resumed run) adds a new file, opened at its first interval.
public final class TensorBoardMetricsSink: MetricsSink {
    public let directory: URL
    private var writer: TensorBoardWriter?
    private var pending: [IntervalMetrics] = []

    /// A sink writing event files into the run `directory`.
    public init(directory: URL) {
        self.directory = directory
    }

    public func record(_ metrics: IntervalMetrics) { pending.append(metrics) }

    /// Appends the recorded intervals, after their checkpoint, so a resumed run never logs a step twice.
    public func didCheckpoint() throws(ChorusError) {
        guard !pending.isEmpty else { return }
        if writer == nil { writer = try TensorBoardWriter(directory: directory, numbered: true) }
        for metrics in pending { try writer?.write(scalars: metrics.scalars.map { ($0.name, $0.value) }, step: metrics.step) }
        pending = []
    }
}
