import Foundation

/// One table of benchmark results: named rows of named numbers.
struct BenchmarkSection {
    var title: String
    var columns: [String]
    var rows: [(name: String, values: [Double])]
    /// Lines printed under the table (context: kernels, references).
    var notes: [String] = []

    func printTable() {
        let nameWidth = max(rows.map(\.name.count).max() ?? 0, 12)
        let widths = columns.map { max($0.count, 12) }
        print(title)
        var header = "  " + "".padding(toLength: nameWidth, withPad: " ", startingAt: 0)
        for (c, w) in zip(columns, widths) { header += "  " + String(repeating: " ", count: w - c.count) + c }
        print(header)
        for row in rows {
            var line = "  " + row.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
            for (v, w) in zip(row.values, widths) {
                let text = Self.format(v)
                line += "  " + String(repeating: " ", count: max(0, w - text.count)) + text
            }
            print(line)
        }
        for note in notes { print("  " + note) }
        print("")
    }

    static func format(_ v: Double) -> String {
        if v.isNaN { return "-" }
        if v >= 1e6 { return String(format: "%.2fM", v / 1e6) }
        if v >= 1e4 { return String(format: "%.1fk", v / 1e3) }
        if v >= 100 { return String(format: "%.0f", v) }
        return String(format: "%.2f", v)
    }

    static func json(_ sections: [BenchmarkSection]) -> String {
        let object: [[String: Any]] = sections.map { s in
            [
                "title": s.title,
                "notes": s.notes,
                "rows": s.rows.map { row -> [String: Any] in
                    var entry: [String: Any] = ["name": row.name]
                    for (c, v) in zip(s.columns, row.values) where v.isFinite { entry[c] = v }
                    return entry
                },
            ]
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
