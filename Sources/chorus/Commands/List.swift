import ArgumentParser
import Environments
import Foundation

/// `chorus list`: the catalogue of environments, suites, agent presets and maps.
struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List environments, suites, agent presets and maps.")

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case envs, suites, agents, maps
    }

    @Argument(help: "What to list: envs, suites, agents or maps (default: all).")
    var kind: Kind?

    func run() throws {
        let catalogue = try Catalogue.locate()
        let kinds = kind.map { [$0] } ?? Kind.allCases
        for (n, kind) in kinds.enumerated() {
            if kinds.count > 1 { print((n > 0 ? "\n" : "") + kind.title) }
            let rows: [(String, String)]
            switch kind {
            case .envs:
                rows = EnvironmentRegistry.members.map { ($0.id, $0.description) }
            case .suites:
                rows = catalogue.suiteNames.map { name in
                    do {
                        let suite = try catalogue.loadSuite(name)
                        return (name, "\(suite.tasks.count) task\(suite.tasks.count == 1 ? "" : "s") — \(suite.description)")
                    } catch {
                        return (name, "INVALID: \(error)")
                    }
                }
            case .agents:
                rows = catalogue.agentNames.map { name in
                    (name, PresetSummary.firstComment(of: catalogue.agentsDirectory.appendingPathComponent("\(name).yaml")))
                }
            case .maps:
                rows = catalogue.mapNames.map { name in
                    do {
                        let map = try GridMap.load(contentsOf: catalogue.mapsDirectory.appendingPathComponent("\(name).txt"))
                        return (name, "\(map.width)×\(map.height), \(map.goals.count) goal cell\(map.goals.count == 1 ? "" : "s")")
                    } catch {
                        return (name, "INVALID: \(error)")
                    }
                }
            }
            let width = rows.map(\.0.count).max() ?? 0
            for (name, text) in rows {
                print("  " + name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + text)
            }
        }
    }
}

extension List.Kind {
    var title: String {
        switch self {
        case .envs: return "Environments"
        case .suites: return "Suites (environments/*.yaml)"
        case .agents: return "Agent presets (agents/*.yaml)"
        case .maps: return "Maps (environments/maps/*.txt)"
        }
    }
}

/// The one-line description of a preset: its first comment line.
enum PresetSummary {
    static func firstComment(of url: URL) -> String {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return "" }
        for line in text.split(separator: "\n") where line.hasPrefix("#") {
            return line.drop(while: { $0 == "#" || $0 == " " }).description
        }
        return ""
    }
}
