@testable import Agents
import Environments
import Foundation
import TestSupport
import Testing

/// TensorBoard event files: CRC-32C, byte-identical records, read-back through CRC checks, TensorBoard's own reader, and write failures.
@Suite struct TensorBoardTests {
    /// TFRecord records serialized with `tensorboard.compat.proto.event_pb2` / `summary_pb2` (tensorboard 2.21.0,
    /// protobuf 7.36.2 upb) and framed with `tensorboard.summary.writer.record_writer.RecordWriter`, each read back
    /// with TensorBoard's `RawEventFileLoader`: `experiments/tensorboard-goldens.py` prints them.
    enum Golden {
        /// `Event(wall_time=1700000000.5, file_version="brain.Event:2")`.
        static let fileVersion = "1800000000000000a37f4b220900002040fc54d9411a0d627261696e2e4576656e743a322b353110"
        /// `wall_time=1700000001.25`, step 0: `charts/episodic_return/CartPole-v1` 12.5, `losses/value_loss` -0.75, `popart/sigma` 0.
        static let stepZero =
            "6500000000000000ebd05a690900005040fc54d9412a5a0a290a226368617274732f657069736f6469635f72657475726e2f43617274506f6c652d763115000048410a180a116c6f737365732f76616c75655f6c6f737315000040bf0a130a0c706f706172742f7369676d611500000000ab15674c"
        /// `wall_time=1700000002.0`, step 123456: `losses/policy_loss` -3.0625, `charts/sps` 1536.
        static let stepNonZero =
            "3d000000000000006049f1ec0900008040fc54d94110c0c4072a2e0a190a126c6f737365732f706f6c6963795f6c6f737315000044c00a110a0a6368617274732f737073150000c04461b7b38b"
        /// `wall_time=0`, step -1 (a ten-byte varint): `x` 1.
        static let negativeStepNoWallTime = "1700000000000000e7cef81e10ffffffffffffffffff012a0a0a080a0178150000803fc807ce9e"
    }

    /// The bytes a hex string spells, two digits a byte.
    func bytes(_ hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
    }

    /// A writer whose clock returns `times` in turn (then the last one again).
    func writer(in folder: URL, times: [Double]) throws -> TensorBoardWriter {
        var remaining = times[...]
        return try TensorBoardWriter(directory: folder) { remaining.count > 1 ? remaining.removeFirst() : remaining.first! }
    }

    func eventFiles(in folder: URL) -> [URL] {
        ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.lastPathComponent.contains("tfevents") }
    }

    @Test func crc32cCheckValues() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)  // RFC 3720 §B.4
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0...31).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum([]) == 0)
        // The length 24 as u64 LE, and its masked CRC as RecordWriter stores it (Golden.fileVersion bytes 8..<12).
        let length: [UInt8] = [24, 0, 0, 0, 0, 0, 0, 0]
        #expect(CRC32C.masked(CRC32C.checksum(length)) == 0x224B_7FA3)
        #expect(CRC32C.masked(0) == 0xA282_EAD8)
        #expect(CRC32C.masked(0xE306_9283) == ((0xE306_9283 >> 15 | 0xE306_9283 << 17) & 0xFFFF_FFFF) &+ 0xA282_EAD8)
    }

    @Test func recordsMatchTensorBoardsBytes() throws {
        let cases: [(TensorBoardEvent, String)] = [
            (TensorBoardEvent(wallTime: 1_700_000_000.5, content: .fileVersion("brain.Event:2")), Golden.fileVersion),
            (
                TensorBoardEvent(
                    wallTime: 1_700_000_001.25, step: 0,
                    content: .summary([
                        .init(tag: "charts/episodic_return/CartPole-v1", simpleValue: 12.5),
                        .init(tag: "losses/value_loss", simpleValue: -0.75),
                        .init(tag: "popart/sigma", simpleValue: 0),
                    ])), Golden.stepZero
            ),
            (
                TensorBoardEvent(
                    wallTime: 1_700_000_002, step: 123_456,
                    content: .summary([
                        .init(tag: "losses/policy_loss", simpleValue: -3.0625), .init(tag: "charts/sps", simpleValue: 1536),
                    ])), Golden.stepNonZero
            ),
            (TensorBoardEvent(wallTime: 0, step: -1, content: .summary([.init(tag: "x", simpleValue: 1)])), Golden.negativeStepNoWallTime),
        ]
        for (event, golden) in cases {
            #expect(TensorBoardWriter.record(event.serialized) == bytes(golden))
            #expect(try TensorBoardReader.events(from: bytes(golden)) == [event])
        }
    }

    /// Proto3's zero rules, as `event_pb2` serializes them: -0.0 is not zero, a set oneof member is always written.
    @Test func proto3ZeroRules() {
        #expect(TensorBoardEvent(wallTime: -0.0, content: .summary([])).serialized == bytes("0900000000000000802a00"))
        #expect(TensorBoardEvent(wallTime: 0, content: .fileVersion("")).serialized == bytes("1a00"))
        #expect(TensorBoardEvent(wallTime: 0, content: .summary([.init(tag: "", simpleValue: .nan)])).serialized == bytes("2a070a05150000c07f"))
    }

    @Test func theWritersFileIsByteIdenticalToTensorBoards() throws {
        let folder = Fixtures.temporaryDirectory("tensorboard")
        let writer = try writer(in: folder, times: [1_700_000_000.5, 1_700_000_001.25, 1_700_000_002])
        try writer.write(scalars: [("charts/episodic_return/CartPole-v1", 12.5), ("losses/value_loss", -0.75), ("popart/sigma", 0)], step: 0)
        try writer.write(scalars: [("losses/policy_loss", -3.0625), ("charts/sps", 1536)], step: 123_456)
        try writer.flush()
        #expect(writer.file.deletingLastPathComponent().path == folder.path)
        #expect(writer.file.lastPathComponent == "events.out.tfevents.1700000000.\(TensorBoardWriter.hostName)")
        #expect(eventFiles(in: folder).count == 1)
        #expect(try [UInt8](Data(contentsOf: writer.file)) == bytes(Golden.fileVersion + Golden.stepZero + Golden.stepNonZero))
    }

    @Test func everyScalarComesBackAtEveryStep() throws {
        let folder = Fixtures.temporaryDirectory("tensorboard")
        let tags = ["charts/episodic_return/CartPole-v1", "charts/episodic_return/Acrobot-v1", "losses/entropy", "distral/kl ü"]
        let steps = [0, 2048, 4096]
        let value = { (step: Int, tag: Int) in Double(step) / 3 - Double(tag) * 0.1 - 1e-3 }
        let writer = try writer(in: folder, times: [1_000.5, 1_001.5, 1_002.5, 1_003.5])
        for step in steps {
            try writer.write(scalars: tags.indices.map { (tags[$0], value(step, $0)) }, step: step)
        }
        let events = try TensorBoardReader.events(in: writer.file)
        #expect(events.first == TensorBoardEvent(wallTime: 1_000.5, content: .fileVersion("brain.Event:2")))
        #expect(
            Array(events.dropFirst())
                == steps.enumerated().map { index, step in
                    TensorBoardEvent(
                        wallTime: 1_001.5 + Double(index), step: Int64(step),
                        content: .summary(
                            tags.indices.map { .init(tag: tags[$0], simpleValue: Float(value(step, $0))) }))
                })
    }

    @Test func everyCorruptedByteIsDetected() throws {
        let folder = Fixtures.temporaryDirectory("tensorboard")
        let writer = try writer(in: folder, times: [5])
        try writer.write(scalars: [("a", 1), ("b", -2)], step: 7)
        let original = try [UInt8](Data(contentsOf: writer.file))
        #expect(try TensorBoardReader.records(from: original).count == 2)
        for index in original.indices {
            var corrupted = original
            corrupted[index] ^= 0x10
            #expect(throws: TensorBoardReader.Failure.self) { try TensorBoardReader.events(from: corrupted) }
        }
        #expect(throws: TensorBoardReader.Failure.self) { try TensorBoardReader.events(from: Array(original.dropLast())) }
    }

    static let pythonHasTensorBoard = Python.run(["-c", "import tensorboard"]).status == 0

    @Test(.enabled(if: pythonHasTensorBoard, "the end-to-end check needs python3 with tensorboard (pip install tensorboard)"))
    func tensorBoardsEventAccumulatorReadsTheFile() throws {
        let folder = Fixtures.temporaryDirectory("tensorboard")
        let writer = try TensorBoardWriter(directory: folder)
        let scalars: [Int: [(tag: String, value: Double)]] = [
            0: [("charts/episodic_return/CartPole-v1", 9.5), ("losses/value_loss", -0.25)],
            500: [("charts/episodic_return/CartPole-v1", 120.75), ("losses/value_loss", 0)],
            1000: [("charts/episodic_return/CartPole-v1", 500), ("losses/value_loss", -1e-3)],
        ]
        for step in scalars.keys.sorted() { try writer.write(scalars: scalars[step]!, step: step) }
        try writer.flush()
        let script = """
            import sys, json
            from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
            accumulator = EventAccumulator(sys.argv[1])
            accumulator.Reload()
            print(json.dumps({"file_version": accumulator.file_version,
                              "scalars": {tag: [[e.step, e.value] for e in accumulator.Scalars(tag)]
                                          for tag in accumulator.Tags()["scalars"]}}))
            """
        let (status, output) = Python.run(["-c", script, folder.path])
        #expect(status == 0)
        let decoded = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        #expect(decoded?["file_version"] as? Double == 2)
        let read = decoded?["scalars"] as? [String: [[Double]]] ?? [:]
        #expect(read.keys.sorted() == ["charts/episodic_return/CartPole-v1", "losses/value_loss"])
        for (tag, points) in read {  // compared as Float: JSONSerialization may parse the last digit of a Double differently
            #expect(
                points.map { [$0[0], Double(Float($0[1]))] }
                    == scalars.keys.sorted().map { step in
                        [Double(step), Double(Float(scalars[step]!.first { $0.tag == tag }!.value))]
                    }, "\(tag)")
        }
    }

    @Test func unwritableLocationsAreChorusErrors() throws {
        let folder = Fixtures.temporaryDirectory("tensorboard")
        let file = Fixtures.write("not a folder", to: "file.txt", in: folder)
        var places = [folder.appendingPathComponent("missing/deeper"), file, URL(fileURLWithPath: "/sys")]
        if geteuid() != 0 {  // root writes through permissions
            let locked = folder.appendingPathComponent("locked")
            try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o500])
            places.append(locked)
        }
        for place in places {
            #expect { try TensorBoardWriter(directory: place) } throws: { error in
                let error = error as? ChorusError
                return error?.file.hasPrefix(place.path + "/events.out.tfevents.") == true && error?.problem.contains("cannot create") == true
            }
        }
        #expect(eventFiles(in: folder).isEmpty)
    }

    @Test func aSecondWriterInTheSameSecondNeverReplacesTheFile() throws {
        let folder = Fixtures.temporaryDirectory("tensorboard")
        let first = try writer(in: folder, times: [42])
        try first.write(scalars: [("a", 1)], step: 1)
        let before = try Data(contentsOf: first.file)
        #expect { try writer(in: folder, times: [42.5]) } throws: { ($0 as? ChorusError)?.file == first.file.path }
        #expect(try Data(contentsOf: first.file) == before)
    }

    @Test func aFullDiskIsAChorusErrorNamingTheFile() throws {
        let full = URL(fileURLWithPath: "/dev/full")
        guard FileManager.default.fileExists(atPath: full.path) else { return }
        #expect(throws: ChorusError(file: full.path, problem: "cannot write the TensorBoard event file: \(String(cString: strerror(ENOSPC)))")) {
            try TensorBoardWriter(file: full, flags: 0, now: 1, wallClock: { 1 })
        }
    }
}
