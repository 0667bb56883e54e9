import Environments
import Foundation

/// Paths of the repository the fuzz targets read their catalogue from, found from this source file.
public enum FuzzRepository {
    /// The repository root (the folder holding Package.swift).
    public static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Tests/FuzzTargets/FuzzRepository.swift
        return url
    }()

    /// The repository's catalogue (`environments/`, `environments/maps/`, `agents/`).
    public static var catalogue: Catalogue { Catalogue(root: root) }

    /// Where a fuzzed suite pretends to live, so relative map paths resolve inside `environments/`.
    public static var suiteURL: URL { root.appendingPathComponent("environments/fuzz.yaml") }

    /// `Tests/Fixtures/fuzz/<target>`: the committed seed corpus of `target`.
    public static func corpus(_ target: FuzzTarget) -> URL {
        root.appendingPathComponent("Tests/Fixtures/fuzz/\(target.rawValue)")
    }
}
