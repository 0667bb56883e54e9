import Agents
import NeuralNetworks

/// Generated seed inputs: checkpoints the harness's own trainer writes, and corrupt variants of them.
public enum FuzzSeeds {
    /// Seed files for `target` by file name; empty for the text targets, whose seeds are copied from the catalogue.
    public static func files(for target: FuzzTarget) -> [String: [UInt8]] {
        switch target {
        case .map, .suite, .preset: [:]
        case .checkpoint: checkpoints()
        case .safetensors: safetensors()
        }
    }

    /// Valid checkpoints (fresh, after one and after two iterations) and ones with hostile training state
    /// (named `crash-…` where the current code traps on them).
    static func checkpoints() -> [String: [UInt8]] {
        let trainer = CheckpointHarness().trainer
        var out: [String: [UInt8]] = [:]
        var fresh = trainer.checkpoint(suite: "fuzz")
        out["valid-fresh.safetensors"] = fresh.contents.encoded()
        do {
            try trainer.iterate()
            out["valid-after-1-iteration.safetensors"] = trainer.checkpoint(suite: "fuzz").contents.encoded()
            try trainer.iterate()
        } catch { fatalError("the checkpoint harness cannot train: \(error)") }
        let trained = trainer.checkpoint(suite: "fuzz")
        out["valid-after-2-iterations.safetensors"] = trained.contents.encoded()

        func variant(_ name: String, _ change: (inout Safetensors) -> Void) {
            var c = trained
            change(&c.contents)
            out[name] = c.contents.encoded()
        }
        variant("crash-progress-near-2^64.safetensors") { $0.set("state.progress", words: [UInt64.max - 7, UInt64.max - 1]) }
        variant("crash-progress-updates-near-2^64.safetensors") { $0.set("state.progress", words: [48, UInt64.max - 1]) }
        variant("crash-progress-just-below-int-max.safetensors") { $0.set("state.progress", words: [UInt64(Int.max) - 3, UInt64(Int.max) - 1]) }
        variant("crash-statistics-episodes-huge.safetensors") { c in
            var values = c.doubles("state.statistics") ?? []
            for i in stride(from: 0, to: values.count, by: TaskStatistics.encodedCount) { values[i] = 1e300 }
            c.set("state.statistics", doubles: values)
        }
        variant("crash-popart-mean-nan.safetensors") { c in
            c.set("state.popart.mean", doubles: (c.doubles("state.popart.mean") ?? []).map { _ in .nan })
        }
        variant("popart-second-moment-negative.safetensors") { c in
            c.set("state.popart.second_moment", doubles: (c.doubles("state.popart.second_moment") ?? []).map { _ in -1 })
        }
        // The gridworld is task 2; each of its environments' state rows is (agent cell, has key, elapsed, elapsed, episode reward).
        for (label, cell) in [("negative", -5.0), ("minus-1000", -1000), ("past-the-map", 64), ("1000", 1000), ("nan", .nan), ("huge", 1e30)] {
            variant("crash-gridworld-agent-\(label).safetensors") { c in
                var values = c.doubles("state.env.2.values") ?? []
                for i in stride(from: 0, to: values.count, by: 5) { values[i] = cell }
                c.set("state.env.2.values", doubles: values)
            }
        }
        variant("crash-elapsed-steps-infinite.safetensors") { c in
            var values = c.doubles("state.env.0.values") ?? []
            if values.count >= 2 { values[values.count - 2] = .infinity }
            c.set("state.env.0.values", doubles: values)
        }
        variant("crash-adam-step-infinite.safetensors") { $0.set("optimizer.adam.step", Tensor(row: [.infinity])) }
        fresh.metadata["format_version"] = "2"
        out["format-version-2.safetensors"] = fresh.contents.encoded()
        return out
    }

    /// A small valid file and hand-made headers that lie about shapes, offsets and types.
    static func safetensors() -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        var small = Safetensors()
        small.metadata["format"] = "chorus-checkpoint"
        small.set("weight", Tensor(rows: 2, columns: 3, values: [1, 2, 3, 4, 5, 6]))
        small.set("doubles", doubles: [0.5, -1])
        small.set("words", words: [1, UInt64.max])
        out["valid-small.safetensors"] = small.encoded()
        let headers = [
            "crash-huge-shape": #"{"x":{"dtype":"F32","shape":[1073741824,1073741824,4],"data_offsets":[0,0]}}"#,
            "crash-huge-shape-f64": #"{"x":{"dtype":"F64","shape":[2147483647,2147483647,2],"data_offsets":[0,0]}}"#,
            "negative-shape": #"{"x":{"dtype":"F32","shape":[-1,4],"data_offsets":[0,0]}}"#,
            "offsets-reversed": #"{"x":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#,
            "offsets-past-the-end": #"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,400]}}"#,
            "offsets-huge-double": #"{"x":{"dtype":"F32","shape":[1],"data_offsets":[1e300,1e301]}}"#,
            "overlapping": #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
            "unknown-dtype": #"{"x":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}"#,
            "metadata-not-strings": #"{"__metadata__":{"format":7}}"#,
            "header-is-array": #"[1,2,3]"#,
        ]
        for (name, json) in headers {
            out["\(name).safetensors"] = file(header: json, data: [UInt8](repeating: 0, count: 8))
        }
        var lying = file(header: "{}", data: [])
        lying.replaceSubrange(0..<8, with: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])
        out["header-length-huge.safetensors"] = lying
        return out
    }

    /// A safetensors file: the header's length, the header padded to 8 bytes, then `data`.
    static func file(header: String, data: [UInt8]) -> [UInt8] {
        var json = Array(header.utf8)
        while json.count % 8 != 0 { json.append(0x20) }
        var out: [UInt8] = []
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out += $0 }
        return out + json + data
    }
}
