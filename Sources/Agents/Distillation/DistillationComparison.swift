import Foundation

/// A distilled student against its teachers on the same evaluation episodes: per task, the student's
/// normalised score as a percentage of its teacher's, and the geometric mean of those percentages.
public struct DistillationComparison: Codable, Equatable, Sendable {
    public struct Row: Codable, Equatable, Sendable {
        public var name: String
        public var teacherReturn: Double
        public var studentReturn: Double
        public var teacherScore: Double
        public var studentScore: Double
        /// `100·student/teacher` normalised score; nil when the teacher is no better than random (score < 0.05).
        public var percent: Double?
        public var teacherParameters: Int

        enum CodingKeys: String, CodingKey {
            case name, percent
            case teacherReturn = "teacher_return", studentReturn = "student_return", teacherScore = "teacher_score"
            case studentScore = "student_score", teacherParameters = "teacher_parameters"
        }
    }

    public var suite: String
    public var rows: [Row]
    /// The geometric mean of the defined percentages (each floored at 1%), nil when none is defined.
    public var geometricMeanPercent: Double?
    public var studentParameters: Int

    enum CodingKeys: String, CodingKey {
        case suite, rows
        case geometricMeanPercent = "geometric_mean_percent", studentParameters = "student_parameters"
    }

    /// Teachers with a normalised score below this are no better than random; no percentage is given.
    public static let minimumTeacherScore = 0.05

    public init(student: EvaluationReport, teachers: EvaluationReport, teacherParameters: [Int], studentParameters: Int) {
        suite = student.suite
        rows = zip(student.tasks, teachers.tasks).enumerated().map { i, pair in
            let (s, t) = pair
            return Row(
                name: s.name, teacherReturn: t.meanReturn, studentReturn: s.meanReturn, teacherScore: t.normalizedScore,
                studentScore: s.normalizedScore,
                percent: t.normalizedScore >= Self.minimumTeacherScore ? 100 * s.normalizedScore / t.normalizedScore : nil,
                teacherParameters: teacherParameters[i])
        }
        let defined = rows.compactMap(\.percent)
        geometricMeanPercent = defined.isEmpty ? nil : exp(defined.map { log(max($0, 1)) }.reduce(0, +) / Double(defined.count))
        self.studentParameters = studentParameters
    }

    /// The table printed at the end of `chorus distill`.
    public var table: String {
        let nameWidth = max(4, rows.map(\.name.count).max() ?? 4)
        let pad = TextTable.leftAligned, left = TextTable.rightAligned
        var lines = [pad("task", nameWidth) + "  teacher return  student return  teacher score  student score  % of teacher  teacher params"]
        for r in rows {
            lines.append(
                pad(r.name, nameWidth) + "  " + left(String(format: "%.2f", r.teacherReturn), 14) + "  "
                    + left(String(format: "%.2f", r.studentReturn), 14) + "  " + left(String(format: "%.3f", r.teacherScore), 13) + "  "
                    + left(String(format: "%.3f", r.studentScore), 13) + "  "
                    + left(r.percent.map { String(format: "%.1f%%", $0) } ?? "n/a", 12) + "  " + left("\(r.teacherParameters)", 14))
        }
        let smallest = rows.map(\.teacherParameters).min() ?? 0
        lines.append(
            String(
                format: "student: %d parameters (%.2f× the smallest teacher network); geometric mean %@ of teacher",
                studentParameters, Double(studentParameters) / Double(max(smallest, 1)),
                geometricMeanPercent.map { String(format: "%.1f%%", $0) } ?? "n/a"))
        return lines.joined(separator: "\n")
    }

    public func json() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return (try? encoder.encode(self)) ?? Data()
    }
}
