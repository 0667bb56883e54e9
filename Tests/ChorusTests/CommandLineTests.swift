import Environments
import Foundation
import TestSupport
import Testing

/// End-to-end: the `chorus` binary as a user runs it.
@Suite struct CommandLineTests {
    @Test func listShowsTheWholeCatalogue() throws {
        let (status, output, _) = try ChorusBinary.run(["list"])
        #expect(status == 0)
        for name in ["CartPole-v1", "Pendulum-v1", "Gridworld", "classic-control", "gridworld-goals", "popart-scales", "four-rooms", "maze"] {
            #expect(output.contains(name), "list mentions \(name)")
        }
        let maps = try ChorusBinary.run(["list", "maps"])
        #expect(maps.status == 0 && maps.output.contains("9×9, 4 goal cells") && !maps.output.contains("CartPole"))
    }

    @Test func listFindsTheCatalogueFromAnotherDirectory() throws {
        let elsewhere = Fixtures.temporaryDirectory()
        let (status, output, _) = try ChorusBinary.run(
            ["list", "suites"], in: elsewhere,
            environment: ["CHORUS_HOME": Fixtures.repositoryRoot.path])
        #expect(status == 0 && output.contains("classic-control"))
        let missing = try ChorusBinary.run(["list"], in: elsewhere, environment: ["CHORUS_HOME": elsewhere.path])
        #expect(missing.status != 0 && missing.error.contains("CHORUS_HOME"))
    }

    @Test func benchEnvsPrintsJSON() throws {
        let (status, output, _) = try ChorusBinary.run(["bench", "envs", "--json", "--repeats", "1", "--seconds", "0.01"])
        #expect(status == 0)
        let sections = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]]
        let rows = sections?.first?["rows"] as? [[String: Any]] ?? []
        #expect(rows.count == EnvironmentRegistry.members.count, "one row per registered environment")
        #expect(rows.allSatisfy { ($0["1 env"] as? Double ?? 0) > 1000 && ($0["16 envs"] as? Double ?? 0) > 1000 })
    }

    @Test func benchNetworkNamesTheKernels() throws {
        let (status, output, _) = try ChorusBinary.run(["bench", "nn", "--repeats", "1", "--seconds", "0.01"])
        #expect(status == 0 && output.contains("OpenBLAS kernels:") && output.contains("forward+backward"))
    }

    @Test func benchConvolutionComparesWithOneSgemm() throws {
        let (status, output, _) = try ChorusBinary.run(["bench", "conv", "--json", "--repeats", "1", "--seconds", "0.01"])
        #expect(status == 0)
        let sections = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]]
        let rows = sections?.first?["rows"] as? [[String: Any]] ?? []
        #expect(rows.map { $0["name"] as? String } == ["10×10×4", "10×10×7", "10×10×10"])
        #expect(rows.allSatisfy { ($0["samples/s"] as? Double ?? 0) > 0 && ($0["conv/sgemm %"] as? Double ?? 0) > 0 })
    }

    @Test func badFlagsFailCleanly() throws {
        let unknown = try ChorusBinary.run(["list", "planets"])
        #expect(unknown.status != 0 && unknown.error.contains("planets"))
        let repeats = try ChorusBinary.run(["bench", "envs", "--repeats", "0"])
        #expect(repeats.status != 0 && repeats.error.contains("--repeats"))
        let command = try ChorusBinary.run(["fly"])
        #expect(command.status != 0)
    }

    @Test func aBrokenCatalogueSuiteIsReportedNotFatal() throws {
        let home = Fixtures.temporaryDirectory()
        try FileManager.default.createDirectory(at: home.appendingPathComponent("environments/maps"), withIntermediateDirectories: true)
        Fixtures.write("tasks:\n  - {name: a, env: Nope-v0, solved_return: 1}\n", to: "environments/broken.yaml", in: home)
        let (status, output, _) = try ChorusBinary.run(["list", "suites"], environment: ["CHORUS_HOME": home.path])
        #expect(status == 0 && output.contains("INVALID") && output.contains("unknown environment id 'Nope-v0'"))
    }
}
