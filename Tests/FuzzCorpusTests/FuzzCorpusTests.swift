import Foundation
import FuzzTargets
import TestSupport
import Testing

/// Replays the committed fuzz corpus: every seed and every past finding must be handled without a crash.
@Suite struct FuzzCorpusTests {
    /// `Tests/Fixtures/fuzz/<target>`.
    static func corpus(_ target: FuzzTarget) -> URL {
        Fixtures.directory.appendingPathComponent("fuzz/\(target.rawValue)")
    }

    static func files(_ target: FuzzTarget) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: corpus(target).path)) ?? []
        return names.sorted().map { corpus(target).appendingPathComponent($0) }
    }

    @Test(arguments: FuzzTarget.allCases)
    func everyCorpusFileReturns(_ target: FuzzTarget) throws {
        let files = Self.files(target)
        #expect(!files.isEmpty, "Tests/Fixtures/fuzz/\(target.rawValue) holds no inputs")
        for file in files {
            let bytes = try [UInt8](Data(contentsOf: file))
            // A crash or trap fails the whole test process; name the input first so the log shows which one.
            FileHandle.standardError.write(Data("FuzzCorpusTests: replaying fuzz/\(target.rawValue)/\(file.lastPathComponent)\n".utf8))
            _ = target.run(bytes)
        }
    }

    @Test func theCheckpointHarnessAcceptsItsOwnCheckpoint() {
        let harness = CheckpointHarness()
        #expect(harness.run(harness.pristine.contents.encoded()) == .accepted)
    }
}
