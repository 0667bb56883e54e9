import ArgumentParser
import Environments
import Foundation
import NeuralNetworks
import Randomness

/// `chorus bench`: throughput of environments and networks, as a table or JSON.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure environment, network, training and rendering throughput.",
        discussion: "Each number is the median of several timed repeats on one core."
    )

    enum Target: String, ExpressibleByArgument, CaseIterable {
        case envs, nn, conv, train, render, all
    }

    @Argument(
        help:
            "What to measure: envs, nn (dense and convolutional networks), conv (the convolutional encoder only), train, render (chorus watch frames/s, offscreen) or all."
    )
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
        if target == .nn || target == .conv || target == .all { sections.append(ConvolutionBenchmark.run(timer)) }
        if target == .train || target == .all { sections.append(try TrainingBenchmark.run(seconds: max(2, seconds * 10), threads: threads)) }
        if target == .render || target == .all {
            #if SDL
            sections.append(try RenderBenchmark.run(timer))
            #else
            if target == .render {
                throw ChorusError(file: "chorus bench", problem: "render needs SDL, and this chorus was built without it (--disable-default-traits)")
            }
            #endif
        }
        if json {
            print(BenchmarkSection.json(sections))
        } else {
            for section in sections { section.printTable() }
        }
    }
}
