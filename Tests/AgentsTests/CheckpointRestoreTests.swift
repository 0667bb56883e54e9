@testable import Agents
import Environments
import Foundation
import NeuralNetworks
import TestSupport
import Testing

/// Restoring a hand-edited or bit-rotted checkpoint: every corruption is a `CheckpointError`, never a trap.
@Suite struct CheckpointRestoreTests {
    static let mixed = TaskSuite.fromText(
        """
        tasks:
          - {name: cart, env: CartPole-v1, solved_return: 475}
          - {name: pendulum, env: Pendulum-v1, max_steps: 7, solved_return: -200}
          - {name: room, env: Gridworld, map: empty-8x8, solved_return: 0.9}
        """)

    /// A trainer's checkpoint after two iterations.
    static func saved() throws -> Checkpoint {
        var c = AgentConfiguration.tiny
        c.popArt = true
        let trainer = ActorCriticLearner(tasks: mixed.tasks, configuration: c, seed: 5)
        for _ in 0..<2 { try trainer.iterate() }
        return trainer.checkpoint(suite: "test")
    }

    static func freshTrainer() -> ActorCriticLearner {
        var c = AgentConfiguration.tiny
        c.popArt = true
        return ActorCriticLearner(tasks: mixed.tasks, configuration: c, seed: 5)
    }

    /// A corruption that sets element `index` of the Double tensor `key` to `value`.
    static func setting(_ key: String, _ index: Int, _ value: Double) -> @Sendable (inout Checkpoint) -> Void {
        { checkpoint in
            var values = checkpoint.contents.doubles(key)!
            values[index] = value
            checkpoint.contents.set(key, doubles: values)
        }
    }

    /// The corruptions a careless edit or a flipped bit makes, each with words of the message it must give.
    static let corruptions: [(name: String, expected: String, corrupt: @Sendable (inout Checkpoint) -> Void)] = [
        ("steps near 2^64", "state.progress", { $0.contents.set("state.progress", words: [UInt64.max - 3, 1]) }),
        ("steps near 2^63", "state.progress", { $0.contents.set("state.progress", words: [1 << 63, 1]) }),
        ("updates near 2^64", "state.progress", { $0.contents.set("state.progress", words: [64, UInt64.max]) }),
        ("NaN in statistics", "statistics", setting("state.statistics", 0, .nan)),
        ("infinite episode count", "statistics", setting("state.statistics", TaskStatistics.encodedCount, .infinity)),
        ("NaN PopArt mean", "PopArt", setting("state.popart.mean", 1, .nan)),
        ("infinite PopArt moment", "PopArt", setting("state.popart.second_moment", 0, -.infinity)),
        ("negative PopArt moment", "negative", setting("state.popart.second_moment", 2, -4)),
        ("Adam step 1e20", "adam.step", { $0.contents.set("optimizer.adam.step", Tensor(row: [1e20])) }),
        ("Adam step inf", "adam.step", { $0.contents.set("optimizer.adam.step", Tensor(row: [.infinity])) }),
        ("huge elapsed steps", "elapsed", setting("state.env.0.values", 4, 1e300)),
        ("NaN elapsed steps", "elapsed", setting("state.env.0.values", 4, .nan)),
        ("negative gridworld agent cell", "agent cell", setting("state.env.2.values", 0, -5)),
        ("NaN gridworld agent cell", "agent cell", setting("state.env.2.values", 0, .nan)),
        ("gridworld agent cell past the map", "agent cell", setting("state.env.2.values", 0, 1e9)),
        ("gridworld agent in a wall", "wall", setting("state.env.2.values", 0, 0)),
        ("NaN cart-pole state", "state value", setting("state.env.0.values", 2, .nan)),
        (
            "NaN parameter", "torso.0.weight",
            { c in
                var tensor = c.contents.tensor("torso.0.weight")!; tensor.storage[3] = .nan
                c.contents.set("torso.0.weight", tensor)
            }
        ),
        (
            "NaN Adam moment", "adam.m",
            { c in
                var tensor = c.contents.tensor("optimizer.adam.m.torso.0.weight")!; tensor.storage[0] = .infinity
                c.contents.set("optimizer.adam.m.torso.0.weight", tensor)
            }
        ),
    ]

    @Test(arguments: 0..<corruptions.count)
    func corruptedCheckpointIsRefused(case index: Int) throws {
        let corruption = Self.corruptions[index]
        var checkpoint = try Self.saved()
        corruption.corrupt(&checkpoint)
        // Through the file format too, as `--resume` reads it.
        let decoded = try Checkpoint.decode(checkpoint.contents.encoded())
        let trainer = Self.freshTrainer()
        let before = trainer.policy.parameters.map(\.value.storage)
        #expect {
            try trainer.restore(from: decoded)
        } throws: { error in
            "\(error)".contains(corruption.expected)
        }
        #expect(
            trainer.environmentSteps == 0 && trainer.policy.parameters.map(\.value.storage) == before,
            "\(corruption.name): nothing is half-restored")
    }

    @Test func checkpointsFromBeforeThePPODiagnosticsStillRestore() throws {
        var checkpoint = try Self.saved()
        let stats = checkpoint.contents.doubles(CheckpointLayout.statistics)!
        let width = TaskStatistics.encodedCount
        let earlier = (0..<3).flatMap { Array(stats[($0 * width)..<($0 * width + 10)]) }
        checkpoint.contents.set(CheckpointLayout.statistics, doubles: earlier)
        let trainer = Self.freshTrainer()
        try trainer.restore(from: checkpoint)
        #expect(trainer.statistics.map(\.episodes) == (0..<3).map { Int(stats[$0 * width]) })
    }

    /// Rank-local entries cross ranks packed as Doubles: every dtype, shape and byte comes back as it was.
    @Test func aPackedEntryUnpacksToTheSameBytes() {
        var contents = Safetensors()
        contents.set("odd", Tensor(rows: 3, columns: 1, values: [1.5, -.infinity, .nan]))
        contents.set("matrix", Tensor(rows: 2, columns: 2, values: [1, 2, 3, 4]))
        contents.set("doubles", doubles: [0.1, -0.0])
        contents.set("words", words: [UInt64.max, 7])
        contents.set("empty", doubles: [])
        for (name, entry) in contents.entries {
            let back = CheckpointLayout.unpacked(CheckpointLayout.packed(entry), dtype: entry.dtype)
            #expect(back == entry, "\(name)")
        }
    }

    @Test func anIntactCheckpointStillRestores() throws {
        let checkpoint = try Self.saved()
        let trainer = Self.freshTrainer()
        try trainer.restore(from: Checkpoint.decode(checkpoint.contents.encoded()))
        #expect(trainer.environmentSteps == 2 * trainer.stepsPerIteration)
    }

    @Test func nonFinitePopArtStatisticsAreRefusedForEvaluationToo() throws {
        var checkpoint = try Self.saved()
        checkpoint.contents.set("state.popart.mean", doubles: [0, .nan, 0])
        var c = AgentConfiguration.tiny
        c.popArt = true
        #expect(throws: CheckpointError.self) { try ActorCriticLearner.popArt(from: checkpoint, tasks: 3, configuration: c) }
    }
}
