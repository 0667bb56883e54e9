import Foundation
import Yams

/// A node of a YAML configuration file, read strictly: every error names the file, line and key.
///
/// Suites and agent presets are read through this type rather than `Codable`, so that unknown keys,
/// wrong types and out-of-range values give one clear message instead of a decoding trace.
public struct ConfigurationNode {
    public let node: Node
    /// The file the node came from.
    public let file: String
    /// The dotted key path of the node, e.g. `tasks[2].goal`.
    public let path: String

    init(node: Node, file: String, path: String) {
        self.node = node
        self.file = file
        self.path = path
    }

    /// Parses the YAML `text`; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(ChorusError) -> ConfigurationNode {
        if let finding = YAMLScreen.check(text) {
            throw ChorusError(file: file, line: finding.line, column: finding.column, problem: finding.problem)
        }
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw ChorusError(file: file, problem: "the file is empty")
            }
            return ConfigurationNode(node: node, file: file, path: "")
        } catch let error as ChorusError {
            throw error
        } catch let error as YamlError {
            throw ChorusError(file: file, problem: "malformed YAML: \(Self.summary(of: error))")
        } catch {
            throw ChorusError(file: file, problem: "malformed YAML: \(error)")
        }
    }

    /// A YAML double-quoted scalar (JSON's escapes are valid YAML).
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04X", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Reads and parses the YAML file at `url`.
    public static func load(contentsOf url: URL) throws(ChorusError) -> ConfigurationNode {
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        guard size <= YAMLScreen.maximumBytes else {
            throw ChorusError(file: url.path, problem: "the file has \(size) bytes; a configuration file is at most \(YAMLScreen.maximumBytes)")
        }
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw ChorusError(file: url.path, problem: "cannot read the file: \(error.localizedDescription)")
        }
        return try parse(text, file: url.path)
    }

    private static func summary(of error: YamlError) -> String {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return "line \(mark.line), column \(mark.column): \(problem)"
        default:
            return "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
        }
    }

    /// An error at this node.
    public func error(_ problem: String) -> ChorusError {
        let location = path.isEmpty ? "" : "\(path): "
        return ChorusError(file: file, line: node.mark?.line, problem: location + problem)
    }

    // MARK: Mappings

    /// The keys and values of a mapping, after checking that every key is one of `allowed`.
    public func mapping(allowedKeys allowed: Set<String>) throws(ChorusError) -> [String: ConfigurationNode] {
        guard let mapping = node.mapping else { throw error("expected a mapping of keys to values") }
        var result: [String: ConfigurationNode] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { throw error("a key is not a string") }
            let child = ConfigurationNode(node: value, file: file, path: path.isEmpty ? key : "\(path).\(key)")
            guard allowed.contains(key) else {
                throw ChorusError(
                    file: file, line: keyNode.mark?.line,
                    problem: "unknown key '\(child.path)' (expected one of: \(allowed.sorted().joined(separator: ", ")))")
            }
            guard result[key] == nil else {
                throw ChorusError(file: file, line: keyNode.mark?.line, problem: "duplicate key '\(child.path)'")
            }
            result[key] = child
        }
        return result
    }

    /// The elements of a sequence.
    public func sequence() throws(ChorusError) -> [ConfigurationNode] {
        guard let sequence = node.sequence else { throw error("expected a list") }
        return sequence.enumerated().map { ConfigurationNode(node: $1, file: file, path: "\(path)[\($0)]") }
    }

    // MARK: Scalars

    public func string() throws(ChorusError) -> String {
        guard case .scalar(let scalar) = node else { throw error("expected a text value") }
        return scalar.string
    }

    public func int(in range: ClosedRange<Int>? = nil) throws(ChorusError) -> Int {
        guard case .scalar = node, let value = node.int else { throw error("expected a whole number, got '\(describe())'") }
        if let range, !range.contains(value) { throw error("\(value) is out of range \(range.lowerBound)...\(range.upperBound)") }
        return value
    }

    public func double(in range: ClosedRange<Double>? = nil) throws(ChorusError) -> Double {
        guard case .scalar = node, let value = node.float, value.isFinite else { throw error("expected a number, got '\(describe())'") }
        if let range, !range.contains(value) { throw error("\(value) is out of range \(range.lowerBound)...\(range.upperBound)") }
        return value
    }

    /// A string naming one case of `T` (an error lists the allowed names).
    public func choice<T: RawRepresentable & CaseIterable>(_ type: T.Type = T.self) throws(ChorusError) -> T where T.RawValue == String {
        let text = try string()
        guard let value = T(rawValue: text) else {
            throw error("unknown value '\(text)' (expected one of: \(T.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return value
    }

    public func bool() throws(ChorusError) -> Bool {
        guard case .scalar = node, let value = node.bool else { throw error("expected true or false, got '\(describe())'") }
        return value
    }

    /// A pair of whole numbers written `[a, b]`.
    public func intPair() throws(ChorusError) -> (Int, Int) {
        let items = try sequence()
        guard items.count == 2 else { throw error("expected two whole numbers [column, row]") }
        return (try items[0].int(), try items[1].int())
    }

    private func describe() -> String {
        switch node {
        case .scalar(let s): return s.string
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }
}
