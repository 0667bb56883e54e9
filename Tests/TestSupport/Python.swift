import Foundation

/// Runs Python for interoperability tests, installing `safetensors` and `numpy` with pip when they are missing.
public enum Python {
    /// Why Python interop cannot be tested here, or nil when it can.
    public static let unavailableReason: String? = {
        guard run(["-c", "import sys"]).status == 0 else { return "python3 is not installed" }
        if run(["-c", "import safetensors.numpy, numpy"]).status == 0 { return nil }
        _ = run(["-m", "pip", "install", "--quiet", "safetensors", "numpy"])
        return run(["-c", "import safetensors.numpy, numpy"]).status == 0 ? nil : "pip could not install safetensors and numpy"
    }()

    /// Runs `python3 arguments…` and returns its exit status and standard output.
    public static func run(_ arguments: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return (-1, "") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
