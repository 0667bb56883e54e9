import Foundation
import Testing
import TestSupport

@testable import Agents

/// The metrics sinks: the CSV's columns and resumption, TensorBoard's timing, the console line.
@Suite struct MetricsSinkTests {
    static func metrics(step: Int) -> IntervalMetrics {
        var metrics = IntervalMetrics(step: step, tasks: ["CartPole-v1", "Pendulum-v1"])
        metrics.add("charts/SPS", 1234.4)
        var cart = TaskStatistics()
        cart.episodes = 2; cart.returnSum = 40; cart.lengthSum = 40; cart.updates = 1; cart.policyLoss = -0.5
        metrics.add(cart, task: 0)
        metrics.add("losses/approx_kl", 0.01, task: "CartPole-v1")
        metrics.add("popart/sigma", 2, task: "Pendulum-v1")
        metrics.add("distillation/kl", 0.25, task: "Pendulum-v1")
        return metrics
    }

    @Test func csvColumnsReadTheirMetrics() throws {
        let folder = Fixtures.temporaryDirectory()
        let sink = CSVMetricsSink(file: folder.appendingPathComponent("metrics.csv"))
        sink.record(Self.metrics(step: 100))
        try sink.willCheckpoint()
        let lines = try String(contentsOf: sink.file, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        let header = lines[0].split(separator: ",").map(String.init)
        #expect(header == CSVMetricsSink.columns.map(\.name))
        func cell(_ line: Int, _ column: String) -> String {
            lines[line].split(separator: ",", omittingEmptySubsequences: false).map(String.init)[header.firstIndex(of: column)!]
        }
        #expect(cell(1, "step") == "100" && cell(1, "task") == "CartPole-v1" && cell(1, "episodes") == "2")
        #expect(cell(1, "return_mean") == "20" && cell(1, "policy_loss") == "-0.5" && cell(1, "approx_kl") == "0.01")
        #expect(cell(1, "steps_per_second") == "1234" && cell(2, "steps_per_second") == "1234")
        #expect(cell(2, "return_mean") == "", "no episode: an empty cell")
        #expect(cell(2, "popart_sigma") == "2" && cell(1, "popart_sigma") == "")
        #expect(cell(2, "kl_distilled") == "0.25", "a distilled run's KL fills the same column")
    }

    @Test func resumedCSVKeepsRowsUpToTheCheckpointAndWidensOldFiles() throws {
        let folder = Fixtures.temporaryDirectory()
        let oldHeader = CSVMetricsSink.columns.prefix(14).map(\.name).joined(separator: ",")
        let old = [oldHeader, "100,A,1,5,5,0,0,0,0,,,0,1,900", "200,A,1,6,6,0,0,0,0,,,0,1,900", "300,A,1,7,7,0,0,0,0,,,0,1,900", "400,A,1,8"]
        let file = Fixtures.write(old.joined(separator: "\n") + "\n", to: "metrics.csv", in: folder)
        let sink = CSVMetricsSink(resuming: file, atStep: 200)
        try sink.willCheckpoint()
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines == [CSVMetricsSink.header, "100,A,1,5,5,0,0,0,0,,,0,1,900,,,", "200,A,1,6,6,0,0,0,0,,,0,1,900,,,"])
        let (series, skipped) = LearningCurvePlot.series(fromMetrics: lines.joined(separator: "\n"), label: "run")
        #expect(series.curves["A"]?.map(\.value) == [5, 6] && skipped == 0, "plot reads the widened file")
    }

    @Test func tensorBoardAndConsoleWaitForTheCheckpoint() throws {
        let folder = Fixtures.temporaryDirectory()
        let sink = TensorBoardMetricsSink(directory: folder)
        var printed: [String] = []
        let console = ConsoleMetricsSink { printed.append($0) }
        for each in [sink, console] as [any MetricsSink] { each.record(Self.metrics(step: 100)) }
        let before = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(before.isEmpty && printed.isEmpty, "nothing is logged before its checkpoint")
        for each in [sink, console] as [any MetricsSink] { try each.didCheckpoint() }
        #expect(printed == ["step 100  1234 steps/s  CartPole-v1 20.0  Pendulum-v1 –"])
        let file = try #require(try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil).first)
        let events = try TensorBoardReader.events(in: file)
        let scalars = events.compactMap { event -> [String]? in
            if case .summary(let values) = event.content { return values.map(\.tag) } else { return nil }
        }
        #expect(scalars.flatMap { $0 } == Self.metrics(step: 100).scalars.map(\.name))
    }
}
