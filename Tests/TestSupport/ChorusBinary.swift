import Foundation

/// Runs the built `chorus` executable, for end-to-end tests.
public enum ChorusBinary {
    /// The executable next to the test bundle (SwiftPM builds both into the same folder).
    public static var url: URL {
        let products =
            Bundle.allBundles.map(\.bundleURL).first { $0.pathExtension == "xctest" }?.deletingLastPathComponent()
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return products.appendingPathComponent("chorus")
    }

    /// Starts `chorus arguments…` in `directory` without waiting (its output is discarded).
    public static func start(_ arguments: [String], in directory: URL = Fixtures.repositoryRoot) throws -> Process {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Waits up to `seconds` for `process` to exit; kills it (and returns false) if it does not.
    public static func waitForExit(_ process: Process, seconds: Double = 60) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return false
        }
        return true
    }

    /// Waits up to `seconds` for `file` to exist.
    public static func waitFor(_ file: URL, seconds: Double = 60) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: file.path) { return true }
            usleep(20_000)
        }
        return false
    }

    /// Runs `chorus arguments…` in `directory` and returns the exit status and both outputs.
    public static func run(
        _ arguments: [String], in directory: URL = Fixtures.repositoryRoot,
        environment: [String: String] = [:]
    ) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}
