import Environments
import Foundation
import TestSupport
import Testing

/// Hostile configuration input: YAML alias bombs, deep nesting, bad task names, oversized maps — each a
/// clean error, fast; and suites that a run can keep whole.
@Suite struct ConfigurationSafetyTests {
    /// The 454-byte preset of the report: aliases used as mapping keys, nine per level.
    static func aliasBomb(levels: Int) -> String {
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
        for level in 1...levels {
            let previous = Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ")
            lines.append("a\(level): &a\(level) [\(previous)]")
        }
        lines.append("? *a\(levels)\n: 1")
        return lines.joined(separator: "\n")
    }

    @Test(arguments: [6, 7, 9])
    func aliasBombsAreRefusedAtOnce(levels: Int) {
        let start = Date()
        #expect { try ConfigurationNode.parse(Self.aliasBomb(levels: levels), file: "bomb.yaml") } throws: { error in
            "\(error)".contains("bomb.yaml:1:5") && "\(error)".contains("anchors or aliases")
        }
        #expect(Date().timeIntervalSince(start) < 1)
    }

    @Test func anchorsAndAliasesAnywhereAreRefusedButLookAlikesPass() throws {
        for text in ["base: &b {x: 1}\nother: *b", "- &x 1\n- *x", "a: [1, *b]", "a: {k: &v 2}", "? *k\n: v"] {
            #expect(throws: ChorusError.self, "\(text)") { try ConfigurationNode.parse(text, file: "f.yaml") }
        }
        let benign = """
            description: "uses *stars* & ampersands"   # and a comment with *alias &anchor
            note: 'it''s *fine*'
            formula: a * b & c
            list: ["*", "&"]
            """
        let node = try ConfigurationNode.parse(benign, file: "ok.yaml")
        let fields = try node.mapping(allowedKeys: ["description", "note", "formula", "list"])
        #expect(try fields["formula"]?.string() == "a * b & c")
        #expect(try fields["note"]?.string() == "it's *fine*")
    }

    @Test func deepNestingAndHugeFilesAreRefused() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect { try ConfigurationNode.parse(deep, file: "deep.yaml") } throws: { "\($0)".contains("nesting") }
        let dashes = String(repeating: "- ", count: 10_000) + "x"
        #expect { try ConfigurationNode.parse(dashes, file: "deep.yaml") } throws: { "\($0)".contains("nesting") }
        let huge = "a: \"" + String(repeating: "x", count: 2 << 20) + "\""
        #expect { try ConfigurationNode.parse(huge, file: "huge.yaml") } throws: { "\($0)".contains("at most") }
    }

    @Test func taskNamesAreValidated() throws {
        for bad in ["", "a,b", "new\\nline", "spa ce", String(repeating: "x", count: 65), "émoji"] {
            let yaml = "tasks:\n  - {name: \(ConfigurationNode.quoted(bad)), env: CartPole-v1, solved_return: 1}\n"
            #expect(throws: ChorusError.self, "name \(bad.debugDescription)") {
                try TaskSuite.parse(yaml, url: Fixtures.repositoryRoot.appendingPathComponent("environments/t.yaml"), catalogue: .repository)
            }
        }
        for good in ["CartPole-v1", "cartpole-x0.01", "a_b.C-9"] { #expect(TaskSpec.isValidName(good)) }
    }

    @Test func oversizedMapsAreRefusedBeforeTheyAreBuilt() {
        let row = String(repeating: ".", count: 1000)
        let middle: String = Array(repeating: row, count: 998).joined(separator: "\n")
        let text: String = "A" + String(row.dropFirst()) + "\n" + middle + "\n" + String(row.dropLast()) + "G\n"
        let start = Date()
        #expect { try GridMap.parse(text, name: "big") } throws: { "\($0)".contains("at most") }
        #expect(Date().timeIntervalSince(start) < 1)
        let wide = "A" + String(repeating: ".", count: 200) + "G"
        #expect { try GridMap.parse(wide, name: "wide") } throws: { "\($0)".contains("202×1") }
    }

    @Test(arguments: Catalogue.repository.suiteNames)
    func everyCatalogueSuiteRoundTripsThroughItsDefinition(name: String) throws {
        let suite = try Catalogue.repository.loadSuite(name)
        let definition = SuiteDefinition(suite)
        let again = try definition.load(file: "saved")
        #expect(again.name == suite.name && again.description == suite.description)
        // The map reference is rewritten to the saved copy; everything else is the same.
        func withoutMap(_ spec: TaskSpec) -> TaskSpec { var copy = spec; copy.map = nil; return copy }
        #expect(again.tasks.map { withoutMap($0.spec) } == suite.tasks.map { withoutMap($0.spec) })
        #expect(SuiteDefinition(again) == definition)
        for (task, reloaded) in zip(suite.tasks, again.tasks) {
            if let a = task.prototype.environment as? Gridworld, let b = reloaded.prototype.environment as? Gridworld {
                #expect(
                    a.map.cells == b.map.cells && a.map.start == b.map.start && a.goalCells == b.goalCells && a.maxEpisodeSteps == b.maxEpisodeSteps)
            }
        }
        // And from the files a run directory keeps.
        let folder = Fixtures.temporaryDirectory("definition")
        try definition.write(to: folder)
        let fromFiles = try TaskSuite.load(contentsOf: folder.appendingPathComponent("suite.yaml"), catalogue: .repository)
        #expect(SuiteDefinition(fromFiles) == definition)
    }
}
