import Foundation

/// The data directories a user edits without touching Swift: `environments/` (suites and maps) and `agents/` (presets).
///
/// Found from `CHORUS_HOME`, else by walking up from the executable, else from the working directory.
public struct Catalogue: Sendable {
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    public var environmentsDirectory: URL { root.appendingPathComponent("environments") }
    public var mapsDirectory: URL { environmentsDirectory.appendingPathComponent("maps") }
    public var agentsDirectory: URL { root.appendingPathComponent("agents") }

    /// The catalogue next to this installation of Chorus.
    public static func locate() throws(ChorusError) -> Catalogue {
        let environment = ProcessInfo.processInfo.environment
        if let home = environment["CHORUS_HOME"] {
            let url = URL(fileURLWithPath: home)
            guard isCatalogue(url) else {
                throw ChorusError(file: home, problem: "CHORUS_HOME has no environments/ folder")
            }
            return Catalogue(root: url)
        }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let starts = [executable.deletingLastPathComponent(), URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        for start in starts {
            var directory = start.standardizedFileURL
            while true {
                if isCatalogue(directory) { return Catalogue(root: directory) }
                let parent = directory.deletingLastPathComponent()
                if parent.path == directory.path { break }
                directory = parent
            }
        }
        throw ChorusError(file: "environments/", problem: "cannot find the catalogue folder; run from the Chorus checkout or set CHORUS_HOME")
    }

    private static func isCatalogue(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.appendingPathComponent("environments/maps").path, isDirectory: &isDirectory)
            && isDirectory.boolValue
    }

    /// The names of the files in `directory` with extension `ext`, sorted.
    public static func names(in directory: URL, ext: String) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".\(ext)") }.map { String($0.dropLast(ext.count + 1)) }.sorted()
    }

    public var suiteNames: [String] { Self.names(in: environmentsDirectory, ext: "yaml") }
    public var mapNames: [String] { Self.names(in: mapsDirectory, ext: "txt") }
    public var agentNames: [String] { Self.names(in: agentsDirectory, ext: "yaml") }

    /// A catalogue entry by name (`directory/NAME.ext`) or, when it looks like a path, that file.
    public func resolve(_ nameOrPath: String, in directory: URL, ext: String, kind: String, flag: String) throws(ChorusError) -> URL {
        let looksLikePath = nameOrPath.contains("/") || nameOrPath.hasSuffix(".\(ext)")
        let url = looksLikePath ? URL(fileURLWithPath: nameOrPath) : directory.appendingPathComponent("\(nameOrPath).\(ext)")
        guard FileManager.default.fileExists(atPath: url.path) else {
            if looksLikePath { throw ChorusError(file: nameOrPath, problem: "no such \(kind) file") }
            let known = Self.names(in: directory, ext: ext).joined(separator: ", ")
            throw ChorusError(file: flag, problem: "unknown \(kind) '\(nameOrPath)' (known: \(known))")
        }
        return url
    }

    /// Loads a suite by catalogue name or path.
    public func loadSuite(_ nameOrPath: String) throws(ChorusError) -> TaskSuite {
        try TaskSuite.load(contentsOf: resolve(nameOrPath, in: environmentsDirectory, ext: "yaml", kind: "suite", flag: "--suite"), catalogue: self)
    }

    /// Loads the maps a suite at `suite` names: catalogue names, or paths relative to the suite file.
    func mapLoader(relativeTo suite: URL) -> TaskSuite.MapLoader {
        { reference, node throws(ChorusError) in try GridMap.load(contentsOf: mapURL(reference, relativeTo: suite, node: node)) }
    }

    /// The file of a map named in a suite: a catalogue name, or a path relative to the suite file.
    func mapURL(_ nameOrPath: String, relativeTo suite: URL, node: ConfigurationNode) throws(ChorusError) -> URL {
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".txt") {
            let url =
                nameOrPath.hasPrefix("/")
                ? URL(fileURLWithPath: nameOrPath)
                : suite.deletingLastPathComponent().appendingPathComponent(nameOrPath)
            guard FileManager.default.fileExists(atPath: url.path) else { throw node.error("no map file '\(nameOrPath)'") }
            return url
        }
        let url = mapsDirectory.appendingPathComponent("\(nameOrPath).txt")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw node.error("unknown map '\(nameOrPath)' (known: \(mapNames.joined(separator: ", ")))")
        }
        return url
    }
}
