@testable import Agents
import Environments
import Foundation
import TestSupport
import Testing

/// Run folders: what `--out` refuses, the lock, and a replacement that never loses the earlier run or a user's file.
@Suite struct RunDirectoryTests {
    func makeRun(_ folder: URL, marker: String = "old") throws {
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("checkpoints"), withIntermediateDirectories: true)
        try (RunDirectory.header + "\nseed: 1\n").write(to: folder.appendingPathComponent("config.yaml"), atomically: true, encoding: .utf8)
        try marker.write(to: folder.appendingPathComponent("checkpoints/latest.safetensors"), atomically: true, encoding: .utf8)
        try marker.write(to: folder.appendingPathComponent("metrics.csv"), atomically: true, encoding: .utf8)
    }

    func contents(_ url: URL) -> String? { try? String(contentsOf: url, encoding: .utf8) }

    @Test func locationsThatAreNeverRuns() throws {
        let folder = Fixtures.temporaryDirectory("out")
        let file = Fixtures.write("my data", to: "notes.txt", in: folder)
        let cwd = FileManager.default.currentDirectoryPath
        let cases: [(String, String)] = [
            ("", "empty path"), ("   ", "empty path"), (".", "working directory"), (cwd, "working directory"),
            ("..", "working directory"), ("/", "root folder"), (file.path, "is a file"),
            (
                FileManager.default.homeDirectoryForCurrentUser.path,
                cwd.hasPrefix(FileManager.default.homeDirectoryForCurrentUser.path) ? "working directory" : "home folder"
            ),
        ]
        for (path, words) in cases {
            #expect { try RunDirectory.checkLocation(path) } throws: { "\($0)".contains(words) }
        }
        #expect(contents(file) == "my data")
    }

    @Test func aFolderThatIsNotARunIsRefusedEvenWithOverwrite() throws {
        let folder = Fixtures.temporaryDirectory("thesis")
        Fixtures.write("\\documentclass{article}", to: "thesis.tex", in: folder)
        Fixtures.write("not ours", to: "config.yaml", in: folder)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("checkpoints"), withIntermediateDirectories: true)
        for replacing in [false, true] {
            #expect { try RunDirectory.create(folder.path, replacing: replacing) } throws: { "\($0)".contains("not a Chorus run") }
        }
        #expect(contents(folder.appendingPathComponent("thesis.tex")) == "\\documentclass{article}")
        #expect(contents(folder.appendingPathComponent("config.yaml")) == "not ours")
    }

    @Test func anExistingRunNeedsOverwrite() throws {
        let folder = Fixtures.temporaryDirectory("run")
        try makeRun(folder)
        #expect { try RunDirectory.create(folder.path, replacing: false) } throws: { "\($0)".contains("--resume") }
        #expect(contents(folder.appendingPathComponent("metrics.csv")) == "old")
    }

    @Test func replacementKeepsTheOldRunUntilCommittedAndNeverTouchesUserFiles() throws {
        let folder = Fixtures.temporaryDirectory("run")
        try makeRun(folder)
        Fixtures.write("mine", to: "notes.txt", in: folder)
        Fixtures.write("mine too", to: "checkpoints/README", in: folder)
        do {
            let run = try RunDirectory.create(folder.path, replacing: true)
            // Moved aside, not deleted, until the new run commits.
            #expect(contents(folder.appendingPathComponent(".chorus-replaced/metrics.csv")) == "old")
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("metrics.csv").path))
            Fixtures.write("new", to: "metrics.csv", in: folder)
            run.rollBackReplacement()
        }
        #expect(contents(folder.appendingPathComponent("metrics.csv")) == "old", "a failed new run puts the old one back")
        #expect(contents(folder.appendingPathComponent("checkpoints/latest.safetensors")) == "old")
        do {
            let run = try RunDirectory.create(folder.path, replacing: true)
            try makeRun(folder, marker: "new")
            run.commitReplacement()
        }
        #expect(contents(folder.appendingPathComponent("metrics.csv")) == "new")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent(".chorus-replaced").path))
        #expect(contents(folder.appendingPathComponent("notes.txt")) == "mine")
        #expect(contents(folder.appendingPathComponent("checkpoints/README")) == "mine too")
    }

    @Test func aNewRunThatFailsBeforeItsFirstCheckpointLeavesNoFolder() throws {
        let parent = Fixtures.temporaryDirectory("parent")
        let folder = parent.appendingPathComponent("new-run")
        do {
            let run = try RunDirectory.create(folder.path, replacing: false)
            try makeRun(folder)  // config.yaml, metrics.csv and a checkpoint written, then the start fails
            run.abandonNewRun()
        }
        #expect(!FileManager.default.fileExists(atPath: folder.path))
        // In a folder the user made (empty), only Chorus's files go; the folder stays.
        let existing = parent.appendingPathComponent("existing")
        try FileManager.default.createDirectory(at: existing, withIntermediateDirectories: true)
        do {
            let run = try RunDirectory.create(existing.path, replacing: false)
            try makeRun(existing)
            run.abandonNewRun()
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: existing.path).filter { $0 != ".chorus.lock" }.isEmpty)
    }

    @Test func aKilledReplacementIsRolledBackOrFinishedByTheNextCommand() throws {
        // Killed before the new run's first checkpoint: the earlier run comes back.
        let early = Fixtures.temporaryDirectory("run")
        try makeRun(early)
        try FileManager.default.createDirectory(at: early.appendingPathComponent(".chorus-replaced"), withIntermediateDirectories: true)
        for name in ["config.yaml", "metrics.csv", "checkpoints"] {
            try FileManager.default.moveItem(at: early.appendingPathComponent(name), to: early.appendingPathComponent(".chorus-replaced/\(name)"))
        }
        _ = try RunDirectory.open(early.path)
        #expect(contents(early.appendingPathComponent("checkpoints/latest.safetensors")) == "old")
        #expect(!FileManager.default.fileExists(atPath: early.appendingPathComponent(".chorus-replaced").path))

        // Killed after it: the new run stays and the earlier one is deleted.
        let late = Fixtures.temporaryDirectory("run")
        try makeRun(late, marker: "new")
        try makeRun(late.appendingPathComponent(".chorus-replaced"), marker: "old")
        _ = try RunDirectory.open(late.path)
        #expect(contents(late.appendingPathComponent("metrics.csv")) == "new")
        #expect(!FileManager.default.fileExists(atPath: late.appendingPathComponent(".chorus-replaced").path))
    }

    @Test func aSecondOpenOfALockedRunIsRefused() throws {
        let folder = Fixtures.temporaryDirectory("run")
        try makeRun(folder)
        do {
            let first = try RunDirectory.open(folder.path)
            // flock locks belong to open file descriptions, so a second open in this process conflicts as another process would.
            #expect { try RunDirectory.open(folder.path) } throws: { "\($0)".contains("in use by another chorus process") }
            withExtendedLifetime(first) {}
        }
        _ = try RunDirectory.open(folder.path)  // released when the first closed
    }

    @Test func outputsNeverReplaceARunsFiles() throws {
        let folder = Fixtures.temporaryDirectory("run")
        try makeRun(folder)
        for name in ["metrics.csv", "config.yaml", "checkpoints/latest.safetensors", "checkpoints/other.bin", "suite.yaml"] {
            #expect(throws: ChorusError.self) { try RunDirectory.checkOutput(folder.appendingPathComponent(name).path, flag: "-o") }
        }
        #expect(throws: ChorusError.self) { try RunDirectory.checkOutput(folder.path, flag: "-o") }
        _ = try RunDirectory.checkOutput(folder.appendingPathComponent("curves.svg").path, flag: "-o")
    }
}
