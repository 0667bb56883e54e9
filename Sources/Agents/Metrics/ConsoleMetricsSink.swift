import Environments
import Foundation

/// The one-line summary of each interval, `step 40000  3120 steps/s  CartPole-v1 212.4  Pendulum-v1 –`,
/// printed once the interval's checkpoint is saved (a task without a finished episode shows `–`).
public final class ConsoleMetricsSink: MetricsSink {
    private let print: (String) -> Void
    private var pending: String?

    /// A sink that hands each line to `print`.
    public init(print: @escaping (String) -> Void) {
        self.print = print
    }

    /// The summary line of `metrics`.
    public static func line(_ metrics: IntervalMetrics) -> String {
        let returns = metrics.tasks.indices.map { i in
            let name = metrics.tasks[i]
            guard metrics.episodes[i] > 0, let value = metrics.value("charts/episodic_return", task: i) else { return "\(name) –" }
            return String(format: "%@ %.1f", name, value)
        }
        return String(format: "step %d  %.0f steps/s  ", metrics.step, metrics.value("charts/SPS") ?? 0) + returns.joined(separator: "  ")
    }

    public func record(_ metrics: IntervalMetrics) { pending = Self.line(metrics) }

    public func didCheckpoint() {
        guard let line = pending else { return }
        pending = nil
        print(line)
    }
}
