import Foundation

/// Paths of the repository and its test fixtures, found from this source file.
public enum Fixtures {
    /// The repository root (the folder holding Package.swift).
    public static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Tests/TestSupport/Fixtures.swift
        return url
    }()

    /// `Tests/Fixtures`.
    public static var directory: URL { repositoryRoot.appendingPathComponent("Tests/Fixtures") }

    /// A fresh empty temporary folder.
    public static func temporaryDirectory(_ label: String = "chorus-test") -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `text` to `name` inside `directory` and returns its URL.
    @discardableResult
    public static func write(_ text: String, to name: String, in directory: URL) -> URL {
        let url = directory.appendingPathComponent(name)
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }
}
