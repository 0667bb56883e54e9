import ArgumentParser
import Environments
import Foundation
import NeuralNetworks
import Randomness

/// `chorus bench`: throughput of environments and networks, as a table or JSON.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure environment and network throughput.",
        discussion: "Each number is the median of several timed repeats on one core."
    )

    enum Target: String, ExpressibleByArgument, CaseIterable {
        case envs, nn, train, all
    }

    @Argument(help: "What to measure: envs, nn, train or all.")
    var target: Target = .all

    @Option(help: "Timed repeats per measurement (the median is reported).")
    var repeats: Int = 5

    @Option(help: "Seconds per repeat (roughly).")
    var seconds: Double = 0.2

    @Option(help: "Threads stepping environments in `bench train`.")
    var threads: Int = 2

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
        guard seconds > 0 else { throw ValidationError("--seconds must be positive") }
    }

    func run() throws {
        let timer = Stopwatch(repeats: repeats, seconds: seconds)
        var sections: [BenchmarkSection] = []
        if target == .envs || target == .all { sections.append(EnvironmentBenchmark.run(timer)) }
        if target == .nn || target == .all { sections.append(NetworkBenchmark.run(timer)) }
        if target == .train || target == .all { sections.append(try TrainingBenchmark.run(seconds: max(2, seconds * 10), threads: threads)) }
        if json {
            print(BenchmarkSection.json(sections))
        } else {
            for section in sections { section.printTable() }
        }
    }
}
