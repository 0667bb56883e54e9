import Foundation

/// A suite's evaluation: a row per task and the suite summary, as a table or JSON.
public struct EvaluationReport: Codable, Equatable, Sendable {
    public var suite: String
    public var tasks: [TaskEvaluation]
    public var meanNormalizedScore: Double
    public var medianNormalizedScore: Double
    public var tasksSolved: Int

    enum CodingKeys: String, CodingKey {
        case suite, tasks
        case meanNormalizedScore = "mean_normalized_score", medianNormalizedScore = "median_normalized_score", tasksSolved = "tasks_solved"
    }

    public init(suite: String, tasks: [TaskEvaluation]) {
        self.suite = suite
        self.tasks = tasks
        let scores = tasks.map(\.normalizedScore).sorted()
        meanNormalizedScore = scores.isEmpty ? 0 : scores.reduce(0, +) / Double(scores.count)
        medianNormalizedScore =
            scores.isEmpty
            ? 0
            : scores.count % 2 == 1 ? scores[scores.count / 2] : (scores[scores.count / 2 - 1] + scores[scores.count / 2]) / 2
        tasksSolved = tasks.filter(\.solved).count
    }

    /// The table printed by `chorus eval` and at the end of `chorus train`.
    public var table: String {
        let nameWidth = max(4, tasks.map(\.name.count).max() ?? 4)
        let pad = TextTable.leftAligned, left = TextTable.rightAligned
        var lines = [pad("task", nameWidth) + "  episodes        return (mean ± std)  success  random return  normalized  solved"]
        for t in tasks {
            lines.append(
                pad(t.name, nameWidth) + "  " + left("\(t.episodes)", 8) + "  "
                    + left(String(format: "%.2f ± %.2f", t.meanReturn, t.stdReturn), 25) + "  "
                    + left(String(format: "%.0f%%", 100 * t.successRate), 7) + "  "
                    + left(String(format: "%.2f", t.randomReturn), 13) + "  "
                    + left(String(format: "%.3f", t.normalizedScore), 10) + "  " + (t.solved ? "yes" : "no"))
        }
        lines.append(
            String(
                format: "suite %@: mean normalized score %.3f, median %.3f, %d/%d tasks solved",
                suite, meanNormalizedScore, medianNormalizedScore, tasksSolved, tasks.count))
        return lines.joined(separator: "\n")
    }

    public func json() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? encoder.encode(self)) ?? Data()
    }
}
