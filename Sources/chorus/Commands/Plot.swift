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
        var series: [LearningCurvePlot.Series] = []
        for run in runs {
            let file = URL(fileURLWithPath: run).appendingPathComponent("metrics.csv")
            guard let text = try? String(contentsOf: file, encoding: .utf8) else {
                throw ChorusError(file: file.path, problem: "cannot read the run's metrics (is \(run) a run directory?)")
            }
            guard text.hasPrefix("step,task,") else { throw ChorusError(file: file.path, problem: "not a Chorus metrics file") }
            series.append(LearningCurvePlot.series(fromMetrics: text, label: URL(fileURLWithPath: run).lastPathComponent))
        }
        try TrainingRun.writeAtomically(LearningCurvePlot(series: series).svg, to: URL(fileURLWithPath: output))
        print("wrote \(output)")
    }
}
