import Agents
import Foundation
import NeuralNetworks
import TestSupport
import Testing

/// End-to-end: `chorus train --init-from` (transfer to new tasks) and the preset key `frozen`.
@Suite struct WarmStartCommandTests {
    /// The quick test agent as a 1-column Distral agent on one shared network.
    static let distralAgent = TrainingCommandTests.quickAgent + "\narchitecture: shared\ndistral: {columns: 1, c_kl: 0.01, c_ent: 0.01}\n"

    /// Held-out goals start from the training goals' run: encoders, torso and π₀ are copied, the new
    /// tasks' heads start fresh, and with `frozen: ["distilled."]` π₀ stays exactly the prior it was.
    @Test func newTasksStartFromTheSharedPartsAndAFrozenPriorStaysPut() throws {
        let dir = Fixtures.temporaryDirectory("warm-start")
        let agent = Fixtures.write(Self.distralAgent, to: "distral.yaml", in: dir).path
        let frozenAgent = Fixtures.write(Self.distralAgent + "\nfrozen: [\"distilled.\"]\n", to: "frozen.yaml", in: dir).path
        let source = dir.appendingPathComponent("source").path, target = dir.appendingPathComponent("target").path
        let first = try ChorusBinary.run([
            "train", "--suite", "gridworld-goals", "--task", "maze-north-west,maze-north-east", "--agent", agent, "--steps", "1024", "--out", source,
        ])
        #expect(first.status == 0, "\(first.error)")
        let second = try ChorusBinary.run([
            "train", "--suite", "gridworld-goals", "--task", "maze-south-west,maze-south-east", "--agent", frozenAgent, "--steps", "1024",
            "--out", target, "--init-from", source,
        ])
        #expect(second.status == 0, "\(second.error)")
        #expect(second.output.contains("warm start: "), "the console says what was copied")
        let before = try Checkpoint.read(from: URL(fileURLWithPath: source + "/checkpoints/latest.safetensors")).contents
        let after = try Checkpoint.read(from: URL(fileURLWithPath: target + "/checkpoints/latest.safetensors")).contents
        let prior = before.entries.keys.filter { $0.hasPrefix("distilled.") }
        #expect(!prior.isEmpty)
        for name in prior { #expect(after.tensor(name) == before.tensor(name), "\(name) is frozen") }
        let torso = try #require(before.entries.keys.first { $0.hasPrefix("torso.") })
        #expect(after.tensor(torso) != nil && after.tensor(torso) != before.tensor(torso), "the shared torso is fine-tuned")
        #expect(after.entries.keys.contains { $0.hasPrefix("policy.maze-south-west") })
        #expect(!before.entries.keys.contains { $0.hasPrefix("policy.maze-south-west") }, "the new task's head is new")
    }

    @Test func badWarmStartsAndFrozenPrefixesAreClearErrors() throws {
        let dir = Fixtures.temporaryDirectory("warm-start-errors")
        let agent = Fixtures.write(Self.distralAgent + "\nfrozen: [\"nothing.\"]\n", to: "typo.yaml", in: dir).path
        let frozen = try ChorusBinary.run([
            "train", "--suite", "gridworld-goals", "--agent", agent, "--steps", "64", "--out", dir.appendingPathComponent("a").path,
        ])
        #expect(frozen.status != 0 && frozen.error.contains("frozen: 'nothing.' names no parameter of this network"), "\(frozen.error)")
        let missing = try ChorusBinary.run([
            "train", "--suite", "gridworld-goals", "--steps", "64", "--out", dir.appendingPathComponent("b").path, "--init-from",
            dir.appendingPathComponent("nowhere").path,
        ])
        #expect(missing.status != 0 && missing.error.contains("no such run directory or checkpoint file"), "\(missing.error)")
        for name in ["a", "b"] { #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path), "no run was started") }
    }
}
