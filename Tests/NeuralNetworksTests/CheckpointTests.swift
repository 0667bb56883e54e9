import Foundation
import NeuralNetworks
import Randomness
import TestSupport
import Testing

@Suite struct CheckpointTests {
    func network(seed: UInt64) -> MLP {
        var rng = RandomGenerator(seed: seed)
        return MLP(name: "torso", sizes: [3, 4, 2], activation: .tanh, activateOutput: false, using: &rng)
    }

    func file(_ name: String = "model.safetensors") -> URL { Fixtures.temporaryDirectory().appendingPathComponent(name) }

    @Test func roundTripIsExact() throws {
        let source = network(seed: 1)
        let adam = Adam(parameters: source.parameters)
        for p in source.parameters { p.gradient.fill(0.1) }
        adam.step(learningRate: 0.01)
        let url = file()
        var checkpoint = Checkpoint(parameters: source.parameters, optimizer: adam, metadata: ["step": "42", "config": "a: 1"])
        checkpoint.contents.set("state.rng", words: [1, 2, 3, UInt64.max])
        checkpoint.contents.set("state.popart.mu", doubles: [0.5, -1e300])
        try checkpoint.write(to: url)
        let files = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
        #expect(files == ["model.safetensors"], "no temporary file is left")

        let loaded = try Checkpoint.read(from: url)
        #expect(loaded == checkpoint)
        #expect(loaded.metadata["step"] == "42" && loaded.metadata["format_version"] == Checkpoint.formatVersion)
        #expect(loaded.contents.words("state.rng") == [1, 2, 3, UInt64.max])
        #expect(loaded.contents.doubles("state.popart.mu") == [0.5, -1e300])
        let target = network(seed: 2)
        try loaded.restore(into: target.parameters)
        for (a, b) in zip(source.parameters, target.parameters) { #expect(a.value == b.value) }
        let restoredAdam = Adam(parameters: target.parameters)
        try loaded.restore(optimizer: restoredAdam)
        #expect(restoredAdam.stepCount == 1)
    }

    @Test func mismatchedNetworksAreRejected() throws {
        let url = file()
        try Checkpoint(parameters: network(seed: 1).parameters).write(to: url)
        let loaded = try Checkpoint.read(from: url)
        var rng = RandomGenerator(seed: 3)
        let wider = MLP(name: "torso", sizes: [3, 5, 2], activation: .tanh, activateOutput: false, using: &rng)
        #expect(throws: CheckpointError.self) { try loaded.restore(into: wider.parameters) }
        let renamed = MLP(name: "other", sizes: [3, 4, 2], activation: .tanh, activateOutput: false, using: &rng)
        #expect(throws: CheckpointError.self) { try loaded.restore(into: renamed.parameters) }
        #expect(throws: CheckpointError.self) { try loaded.restore(into: Array(network(seed: 1).parameters.prefix(2))) }
    }

    /// Each corruption is reported with the file name and a reason — never a crash.
    @Test func corruptFilesAreRejectedWithTheirReason() throws {
        var good = Safetensors()
        good.set("a", Tensor(row: [1, 2, 3]))
        good.set("b", Tensor(row: [4]))
        good.metadata = ["format": Checkpoint.format, "format_version": Checkpoint.formatVersion]
        let bytes = good.encoded()
        let headerLength = Int(bytes[0]) | Int(bytes[1]) << 8
        let header = String(decoding: bytes[8..<(8 + headerLength)], as: UTF8.self)
        func withHeader(_ text: String) -> [UInt8] {
            var h = Array(text.utf8)
            while h.count % 8 != 0 { h.append(0x20) }
            var out: [UInt8] = []
            withUnsafeBytes(of: UInt64(h.count).littleEndian) { out += $0 }
            return out + h + Array(bytes[(8 + headerLength)...])
        }
        let cases: [(String, [UInt8], String)] = [
            ("empty", [], "too short"),
            ("truncated data", Array(bytes.dropLast(3)), "data offsets"),
            ("huge header length", [0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0] + bytes[8...], "header length"),
            ("not JSON", withHeader("{not json"), "not valid JSON"),
            ("wrong dtype", withHeader(header.replacingOccurrences(of: "\"F32\"", with: "\"BF16\"")), "unsupported dtype"),
            ("wrong shape", withHeader(header.replacingOccurrences(of: "[1,3]", with: "[2,3]")), "bytes for shape"),
            ("overlap", withHeader(header.replacingOccurrences(of: "[12,16]", with: "[8,12]")), "overlap"),
            ("negative offset", withHeader(header.replacingOccurrences(of: "[0,12]", with: "[-4,8]")), "data offsets"),
            (
                "shape overflowing the byte count", withHeader(header.replacingOccurrences(of: "[1,3]", with: "[1073741824,1073741824,4]")),
                "bytes for shape"
            ),
            (
                "shape overflowing the element count",
                withHeader(header.replacingOccurrences(of: "[1,3]", with: "[2147483647,2147483647,2147483647]")), "bytes for shape"
            ),
        ]
        for (label, data, reason) in cases {
            let url = file("\(label.replacingOccurrences(of: " ", with: "-")).safetensors")
            try Data(data).write(to: url)
            do {
                _ = try Checkpoint.read(from: url)
                Issue.record("\(label): accepted")
            } catch {
                #expect(error.file == url.path, "\(label)")
                #expect(error.problem.contains(reason), "\(label): \(error.problem)")
            }
        }
        let foreign = file("foreign.safetensors")
        var plain = Safetensors(); plain.set("x", Tensor(row: [1]))
        try plain.write(to: foreign)
        #expect(throws: CheckpointError.self) { try Checkpoint.read(from: foreign) }
        #expect(throws: CheckpointError.self) { try Checkpoint.read(from: file("missing.safetensors")) }
    }

    @Test(.enabled(if: Python.unavailableReason == nil, "Python interop needs python3 with safetensors and numpy"))
    func pythonReadsChorusCheckpoints() throws {
        let url = file()
        let mlp = network(seed: 5)
        var checkpoint = Checkpoint(parameters: mlp.parameters, metadata: ["step": "7"])
        checkpoint.contents.set("state.stats", doubles: [1.5, -2.25])
        try checkpoint.write(to: url)
        let script = """
            import sys, json
            from safetensors.numpy import load_file
            from safetensors import safe_open
            t = load_file(sys.argv[1])
            with safe_open(sys.argv[1], framework="numpy") as f: meta = f.metadata()
            print(json.dumps({k: [list(v.shape), str(v.dtype), float(v.sum())] for k, v in t.items()} | {"meta": meta}))
            """
        let (status, output) = Python.run(["-c", script, url.path])
        #expect(status == 0)
        let decoded = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        let weight = decoded?["torso.0.weight"] as? [Any]
        #expect(weight?[0] as? [Int] == [3, 4])
        #expect(weight?[1] as? String == "float32")
        let sum = mlp.layers[0].weight.value.storage.reduce(0.0) { $0 + Double($1) }
        #expect(abs((weight?[2] as? Double ?? .nan) - sum) < 1e-5)
        #expect((decoded?["state.stats"] as? [Any])?[1] as? String == "float64")
        #expect((decoded?["meta"] as? [String: String])?["step"] == "7")
    }
}
