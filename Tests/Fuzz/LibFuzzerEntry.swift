#if CHORUS_FUZZ
import FuzzTargets
import Foundation

/// libFuzzer's side of `chorus-fuzz` (built with `-sanitize=fuzzer -DCHORUS_FUZZ`): the target is named by
/// `CHORUS_FUZZ_TARGET`, and `main` hands control to libFuzzer's driver.
///
/// SwiftPM on Linux links every executable with `--defsym main=<module>_main`, so libFuzzer's own `main`
/// cannot be used; `ChorusFuzz.main` calls `LLVMFuzzerRunDriver` instead.
enum LibFuzzerEntry {
    /// The target chosen by the environment; exits with a message when it names none.
    static let target: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["CHORUS_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            let known = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("chorus-fuzz: set CHORUS_FUZZ_TARGET to one of \(known) (got '\(name)')\n".utf8))
            exit(2)
        }
        return target
    }()

    /// Runs libFuzzer with the process's arguments (`-max_total_time=…`, corpus folders, …) and returns its exit status.
    static func run() -> Int32 {
        _ = target
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        return LLVMFuzzerRunDriver(&argc, &argv, fuzzerTestOneInput)
    }
}

/// libFuzzer's driver (in `libclang_rt.fuzzer`): parses the flags and calls `callback` for every input.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// Called once before fuzzing: builds the checkpoint trainer outside the timed inputs.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutableRawPointer) -> Int32 {
    if LibFuzzerEntry.target == .checkpoint { _ = CheckpointHarness.shared }
    return 0
}

/// Called by libFuzzer for every input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    LibFuzzerEntry.target.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
#endif
