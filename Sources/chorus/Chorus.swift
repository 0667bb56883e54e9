import ArgumentParser
import Environments
import Foundation
import NeuralNetworks

/// The `chorus` command: train, evaluate, watch and benchmark multi-task agents.
@main
struct Chorus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chorus",
        abstract: "Multi-task reinforcement learning: many tasks, one network.",
        subcommands: [List.self, Train.self, Distill.self, Eval.self, Watch.self, Plot.self, Bench.self]
    )

    static func main() {
        BLASKernels.ensureFastKernels()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as ChorusError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            Foundation.exit(1)
        } catch {
            exit(withError: error)
        }
    }
}
