import FuzzTargets
import Foundation

/// Replays inputs through a fuzz target without libFuzzer, to reproduce a finding under a debugger
/// or in an ordinary build, and writes the generated seed files; built with `-DCHORUS_FUZZ` it is the
/// libFuzzer binary instead (see `LibFuzzerEntry`).
///
///     chorus-fuzz TARGET FILE|DIR...         replay each file (a folder: every file in it)
///     chorus-fuzz --write-seeds TARGET DIR   write the generated seeds of TARGET into DIR
@main
struct ChorusFuzz {
    static func main() {
        #if CHORUS_FUZZ
        exit(LibFuzzerEntry.run())
        #else
        replay()
        #endif
    }

    /// The ordinary command line (above).
    static func replay() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let known = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
        let usage = "usage: chorus-fuzz \(known) FILE|DIR...\n       chorus-fuzz --write-seeds \(known) DIR"
        if arguments.first == "--write-seeds" {
            guard arguments.count == 3, let target = FuzzTarget(rawValue: arguments[1]) else { fail(usage) }
            writeSeeds(target, into: URL(fileURLWithPath: arguments[2]))
            return
        }
        guard arguments.count >= 2, let target = FuzzTarget(rawValue: arguments.removeFirst()) else { fail(usage) }
        for path in arguments {
            for file in files(at: path) {
                guard let data = FileManager.default.contents(atPath: file) else { fail("chorus-fuzz: cannot read \(file)") }
                print("\(file): ", terminator: "")
                fflush(nil)  // the name shows even if the input crashes
                print(target.run([UInt8](data)))
            }
        }
    }

    /// `path` itself, or the regular files inside it (sorted) when it is a folder.
    static func files(at path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.sorted().map { "\(path)/\($0)" }
    }

    static func writeSeeds(_ target: FuzzTarget, into directory: URL) {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for (name, bytes) in FuzzSeeds.files(for: target).sorted(by: { $0.key < $1.key }) {
                try Data(bytes).write(to: directory.appendingPathComponent(name))
                print("\(directory.path)/\(name) (\(bytes.count) bytes)")
            }
        } catch { fail("chorus-fuzz: \(error.localizedDescription)") }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(2)
    }
}
