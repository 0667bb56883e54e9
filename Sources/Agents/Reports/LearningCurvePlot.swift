import Foundation

/// Learning curves as an SVG: one panel per task (mean episode return against environment steps),
/// several runs overlaid in different colours with a legend.
public struct LearningCurvePlot {
    /// One run's curves: task name → (step, return) points.
    public struct Series: Sendable {
        public var label: String
        public var curves: [String: [(step: Double, value: Double)]]
        public init(label: String, curves: [String: [(step: Double, value: Double)]]) { self.label = label; self.curves = curves }
    }

    public var series: [Series]
    public var title: String

    public init(series: [Series], title: String = "Return per task") {
        self.series = series
        self.title = title
    }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]

    /// Reads a run's `metrics.csv` (`step,task,episodes,return_mean,…`); also counts the rows it skipped
    /// because they do not have the header's number of fields (a row cut short by a crash) or no valid step.
    /// Rows of intervals without a finished episode (an empty return) are no points, and are not counted.
    public static func series(fromMetrics text: String, label: String) -> (series: Series, skippedRows: Int) {
        var curves: [String: [(step: Double, value: Double)]] = [:]
        let lines = text.split(separator: "\n")
        let columns = lines.first.flatMap { CSV.fields(of: $0)?.count } ?? 0
        var skipped = 0
        for line in lines.dropFirst() {
            guard let f = CSV.fields(of: line), f.count == columns, columns >= 4, let step = Double(f[0]), step.isFinite else {
                skipped += 1
                continue
            }
            guard let value = Double(f[3]), value.isFinite else { continue }
            curves[f[1], default: []].append((step, value))
        }
        return (Series(label: label, curves: curves), skipped)
    }

    public var svg: String {
        var tasks: [String] = []
        for s in series { for t in s.curves.keys.sorted() where !tasks.contains(t) { tasks.append(t) } }
        let columns = min(3, max(1, tasks.count)), rows = (tasks.count + columns - 1) / max(columns, 1)
        let panelW = 360.0, panelH = 240.0, margin = 50.0, legendH = 24.0 * Double(series.count) + 40
        let width = Double(columns) * panelW, height = Double(max(rows, 1)) * panelH + legendH
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="11">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(width / 2)" y="20" text-anchor="middle" font-size="14">\(escape(title))</text>

            """
        for (k, task) in tasks.enumerated() {
            let x0 = Double(k % columns) * panelW + margin, y0 = Double(k / columns) * panelH + 40
            let w = panelW - margin - 15, h = panelH - 80
            let points = series.flatMap { $0.curves[task] ?? [] }
            let xMax = max(points.map(\.step).max() ?? 1, 1)
            var yMin = points.map(\.value).min() ?? 0, yMax = points.map(\.value).max() ?? 1
            if yMax - yMin < 1e-9 { yMin -= 1; yMax += 1 }
            func px(_ s: Double) -> Double { x0 + s / xMax * w }
            func py(_ v: Double) -> Double { y0 + h - (v - yMin) / (yMax - yMin) * h }
            out += "<rect x=\"\(x0)\" y=\"\(y0)\" width=\"\(w)\" height=\"\(h)\" fill=\"none\" stroke=\"#999\"/>\n"
            out += "<text x=\"\(x0 + w / 2)\" y=\"\(y0 - 6)\" text-anchor=\"middle\" font-size=\"12\">\(escape(task))</text>\n"
            for tick in 0...4 {
                let v = yMin + (yMax - yMin) * Double(tick) / 4, s = xMax * Double(tick) / 4
                out += "<text x=\"\(x0 - 4)\" y=\"\(py(v) + 4)\" text-anchor=\"end\">\(format(v))</text>\n"
                out += "<text x=\"\(px(s))\" y=\"\(y0 + h + 14)\" text-anchor=\"middle\">\(format(s))</text>\n"
            }
            out += "<text x=\"\(x0 + w / 2)\" y=\"\(y0 + h + 30)\" text-anchor=\"middle\" fill=\"#555\">environment steps</text>\n"
            for (r, s) in series.enumerated() {
                guard let curve = s.curves[task], !curve.isEmpty else { continue }
                let path = curve.map { String(format: "%.1f,%.1f", px($0.step), py($0.value)) }.joined(separator: " ")
                out += "<polyline fill=\"none\" stroke=\"\(Self.palette[r % Self.palette.count])\" stroke-width=\"1.6\" points=\"\(path)\"/>\n"
            }
        }
        let legendY = Double(max(rows, 1)) * panelH + 20
        for (r, s) in series.enumerated() {
            let y = legendY + 22 * Double(r)
            out +=
                "<line x1=\"\(margin)\" y1=\"\(y)\" x2=\"\(margin + 30)\" y2=\"\(y)\" stroke=\"\(Self.palette[r % Self.palette.count])\" stroke-width=\"3\"/>\n"
            out += "<text x=\"\(margin + 38)\" y=\"\(y + 4)\">\(escape(s.label))</text>\n"
        }
        return out + "</svg>\n"
    }

    private func format(_ v: Double) -> String {
        abs(v) >= 10_000 ? String(format: "%.3g", v) : abs(v) >= 10 ? String(format: "%.0f", v) : String(format: "%.2g", v)
    }

    private func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
