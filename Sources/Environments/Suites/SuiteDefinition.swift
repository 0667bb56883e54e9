import Foundation

/// A suite written out whole, so that a run never depends on the catalogue again: its YAML with every
/// gridworld map referenced as `maps/NAME.txt`, and the text of those maps.
///
/// Runs keep it in their checkpoints (metadata `suite_definition` and `map:maps/NAME.txt`) and, for
/// people, as `suite.yaml` and `maps/` in the run directory (`chorus train --suite RUN/suite.yaml`
/// trains on it again).
public struct SuiteDefinition: Equatable, Sendable {
    public var yaml: String
    /// Map text by the reference the YAML uses (`maps/NAME.txt`).
    public var maps: [String: String]

    public static let metadataKey = "suite_definition"
    public static let mapMetadataPrefix = "map:"

    public init(yaml: String, maps: [String: String]) {
        self.yaml = yaml
        self.maps = maps
    }

    /// The definition of `suite` as it was loaded (maps included).
    public init(_ suite: TaskSuite) {
        var maps: [String: String] = [:]
        var lines = ["name: \(ConfigurationNode.quoted(suite.name))", "description: \(ConfigurationNode.quoted(suite.description))", "tasks:"]
        for task in suite.tasks {
            let spec = task.spec
            var fields = ["name: \(ConfigurationNode.quoted(spec.name))", "env: \(ConfigurationNode.quoted(spec.env))"]
            if let world = task.prototype.environment as? Gridworld {
                let text = world.map.text
                var reference = "maps/\(world.map.name).txt", suffix = 2
                while let existing = maps[reference], existing != text {
                    reference = "maps/\(world.map.name)-\(suffix).txt"
                    suffix += 1
                }
                maps[reference] = text
                fields.append("map: \(ConfigurationNode.quoted(reference))")
            }
            if let goal = spec.goal { fields.append("goal: [\(goal.column), \(goal.row)]") }
            if let start = spec.start { fields.append("start: \(start.yaml)") }
            if let maxSteps = spec.maxSteps { fields.append("max_steps: \(maxSteps)") }
            for (key, value) in spec.settings.sorted(by: { $0.key < $1.key }) {
                let plain =
                    !value.isEmpty
                    && value.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "._+-".unicodeScalars.contains($0) }
                fields.append("\(key): \(plain ? value : ConfigurationNode.quoted(value))")
            }
            fields.append("reward_scale: \(Self.number(spec.rewardScale))")
            fields.append("solved_return: \(Self.number(spec.solvedReturn))")
            if spec.samplingWeight != 1 { fields.append("sampling_weight: \(spec.samplingWeight)") }
            lines.append("  - {" + fields.joined(separator: ", ") + "}")
        }
        self.init(yaml: lines.joined(separator: "\n") + "\n", maps: maps)
    }

    /// The suite this definition describes; `file` names it in errors.
    public func load(file: String) throws(ChorusError) -> TaskSuite {
        try TaskSuite.parse(yaml, file: file) { reference, node throws(ChorusError) in
            guard let text = maps[reference] else { throw node.error("the saved suite has no map '\(reference)'") }
            let name = URL(fileURLWithPath: reference).deletingPathExtension().lastPathComponent
            return try GridMap.parse(text, name: name, file: "\(file) (\(reference))")
        }
    }

    /// Writes `suite.yaml` and `maps/*.txt` into `directory`.
    public func write(to directory: URL) throws(ChorusError) {
        try AtomicFile.write(yaml, to: directory.appendingPathComponent("suite.yaml"))
        for (reference, text) in maps.sorted(by: { $0.key < $1.key }) {
            let url = directory.appendingPathComponent(reference)
            do { try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true) } catch {
                throw ChorusError(file: url.deletingLastPathComponent().path, problem: "cannot create the folder: \(error.localizedDescription)")
            }
            try AtomicFile.write(text, to: url)
        }
    }

    /// As checkpoint metadata entries.
    public var metadata: [String: String] {
        var entries = [Self.metadataKey: yaml]
        for (reference, text) in maps { entries[Self.mapMetadataPrefix + reference] = text }
        return entries
    }

    /// The definition kept in checkpoint metadata, if there is one.
    public init?(metadata: [String: String]) {
        guard let yaml = metadata[Self.metadataKey] else { return nil }
        var maps: [String: String] = [:]
        for (key, text) in metadata where key.hasPrefix(Self.mapMetadataPrefix) {
            maps[String(key.dropFirst(Self.mapMetadataPrefix.count))] = text
        }
        self.init(yaml: yaml, maps: maps)
    }

    /// A number that reads back as the same Double.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(format: "%.1f", value) : String(format: "%.17g", value)
    }
}
