import Environments
import Foundation

/// `metrics.csv`: one row per task per interval, rewritten whole (to a temporary name, then renamed)
/// before each checkpoint.
///
/// | column | metric |
/// |---|---|
/// | `step` | environment steps (all tasks) at the end of the interval |
/// | `task` | the task's name |
/// | `episodes` | episodes the task finished in the interval |
/// | `return_mean`, `episode_length`, `success_rate` | `charts/episodic_return`, `charts/episodic_length`, `charts/success_rate` |
/// | `policy_loss`, `value_loss`, `entropy` | `losses/policy_loss`, `losses/value_loss`, `losses/entropy` |
/// | `kl_distilled`, `entropy_distilled` | `distral/kl` (or `distillation/kl`), `distral/entropy` |
/// | `popart_mu`, `popart_sigma` | `popart/mu`, `popart/sigma` |
/// | `steps_per_second` | `charts/SPS` |
/// | `approx_kl`, `clipfrac`, `explained_variance` | `losses/approx_kl`, `losses/clipfrac`, `losses/explained_variance` |
///
/// A cell is empty when its metric was not logged (no finished episode, PopArt off, …). Columns are only
/// ever added at the end, so older files keep their meaning; `chorus plot` reads `step`, `task` and `return_mean`.
public final class CSVMetricsSink: MetricsSink {
    public let file: URL
    /// The columns with the metric names each is read from (the first found), in order.
    public static let columns: [(name: String, metrics: [String])] = [
        ("step", []), ("task", []), ("episodes", []),
        ("return_mean", ["charts/episodic_return"]), ("episode_length", ["charts/episodic_length"]),
        ("success_rate", ["charts/success_rate"]), ("policy_loss", ["losses/policy_loss"]), ("value_loss", ["losses/value_loss"]),
        ("entropy", ["losses/entropy"]), ("kl_distilled", ["distral/kl", "distillation/kl"]), ("entropy_distilled", ["distral/entropy"]),
        ("popart_mu", ["popart/mu"]), ("popart_sigma", ["popart/sigma"]), ("steps_per_second", []),
        ("approx_kl", ["losses/approx_kl"]), ("clipfrac", ["losses/clipfrac"]), ("explained_variance", ["losses/explained_variance"]),
    ]
    public static let header = columns.map(\.name).joined(separator: ",")
    private var rows: [String]

    /// A new, empty `metrics.csv` at `file` (written at the first checkpoint).
    public init(file: URL) {
        self.file = file
        rows = [Self.header]
    }

    /// The `metrics.csv` of a resumed run: the rows up to its checkpoint's `step` are kept (rows written after
    /// the checkpoint are dropped, as the run repeats those steps); rows of an older file with fewer columns
    /// gain empty cells for the new ones.
    public init(resuming file: URL, atStep step: Int) {
        self.file = file
        rows = [Self.header]
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return }
        let lines = text.split(separator: "\n")
        let oldColumns = lines.first.flatMap { CSV.fields(of: $0) } ?? []
        let width = Self.columns.count
        guard oldColumns.count <= width, oldColumns == Self.columns.prefix(oldColumns.count).map(\.name) else { return }
        for line in lines.dropFirst() {
            guard let fields = CSV.fields(of: line), fields.count == oldColumns.count, let rowStep = Int(fields[0]), rowStep <= step else { continue }
            rows.append(CSV.row(fields + Array(repeating: "", count: width - fields.count)))
        }
    }

    public func record(_ metrics: IntervalMetrics) {
        func cell(_ value: Double?) -> String { value.map { String(format: "%.6g", $0) } ?? "" }
        for (i, task) in metrics.tasks.enumerated() {
            let cells = Self.columns.map { column -> String in
                switch column.name {
                case "step": return String(metrics.step)
                case "task": return task
                case "episodes": return String(metrics.episodes[i])
                case "steps_per_second": return metrics.value("charts/SPS").map { String(format: "%.0f", $0) } ?? ""
                default: return cell(column.metrics.lazy.compactMap { metrics.value($0, task: i) }.first)
                }
            }
            rows.append(CSV.row(cells))
        }
    }

    /// Writes the file before the checkpoint, so no row of a checkpointed step is ever missing.
    public func willCheckpoint() throws(ChorusError) {
        try AtomicFile.write(rows.joined(separator: "\n") + "\n", to: file)
    }
}
