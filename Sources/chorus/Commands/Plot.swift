import Agents
import ArgumentParser
import Environments
import Foundation

/// `chorus plot`: learning curves of one or more runs as an SVG.
struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Plot learning curves (return per task against env steps) as an SVG.")

    @Argument(help: "Run directories to overlay.")
    var runs: [String]
    @Option(name: .shortAndLong, help: "Output SVG file.")
    var output: String = "curves.svg"

    func validate() throws {
        if runs.isEmpty { throw ValidationError("name at least one run directory") }
    }

    func run() throws {
        let outputFile = try RunDirectory.checkOutput(output, flag: "--output")
        var series: [LearningCurvePlot.Series] = []
        for run in runs {
            let file = URL(fileURLWithPath: run).appendingPathComponent("metrics.csv")
            guard let text = try? String(contentsOf: file, encoding: .utf8) else {
                throw ChorusError(file: file.path, problem: "cannot read the run's metrics (is \(run) a run directory?)")
            }
            guard text.hasPrefix("step,task,") else { throw ChorusError(file: file.path, problem: "not a Chorus metrics file") }
            let (curves, skipped) = LearningCurvePlot.series(fromMetrics: text, label: URL(fileURLWithPath: run).lastPathComponent)
            if skipped > 0 { print("note: \(file.path): skipped \(skipped) incomplete or malformed row\(skipped == 1 ? "" : "s")") }
            series.append(curves)
        }
        try AtomicFile.write(LearningCurvePlot(series: series).svg, to: outputFile)
        print("wrote \(output)")
    }
}
