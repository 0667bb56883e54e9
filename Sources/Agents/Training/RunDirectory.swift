import Environments
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A run's folder: how Chorus recognises one it wrote, locks it, and replaces it without losing data.
///
/// A folder is a run only when its `config.yaml` starts with the header line Chorus writes. `--out`
/// never names a regular file, the working directory or one of its parents, the home folder or `/`;
/// a folder that is not empty must hold a run. Replacing a run (`--overwrite`) first moves the files
/// Chorus wrote into `.chorus-replaced/` inside it; they are deleted once the new run has written its
/// first checkpoint, and moved back if it fails before that. A later command that finds the folder
/// left behind by a killed process finishes or rolls back the replacement the same way. Files Chorus
/// did not write are never moved or deleted. While a command works on a run it holds an exclusive
/// lock on `.chorus.lock`, so a second process cannot write into the same run.
public final class RunDirectory {
    public let url: URL
    private var lockDescriptor: Int32 = -1
    /// True when this process created the folder (so abandoning the new run removes it again).
    private var createdFolder = false

    /// The first line of every `config.yaml` Chorus writes.
    public static let header = "# Chorus run: the resolved configuration."
    /// The header of runs written before the marker was introduced (the shipped pretrained agents).
    static let earlierHeader = "# Resolved configuration of this run."
    static let lockName = ".chorus.lock"
    static let replacedName = ".chorus-replaced"
    /// Top-level files Chorus writes in a run.
    static let files: Set<String> = [
        "config.yaml", "metrics.csv", "suite.yaml", "evaluation.txt", "evaluation.json", "distillation.txt", "distillation.json",
    ]
    /// Folders Chorus writes, with the file endings it writes inside them.
    static let folders: [String: String] = ["checkpoints": ".safetensors", "maps": ".txt"]

    public var configurationFile: URL { url.appendingPathComponent("config.yaml") }
    public var checkpointsFolder: URL { url.appendingPathComponent("checkpoints") }
    public var latestCheckpoint: URL { checkpointsFolder.appendingPathComponent("latest.safetensors") }
    public var bestCheckpoint: URL { checkpointsFolder.appendingPathComponent("best.safetensors") }
    private var replacedFolder: URL { url.appendingPathComponent(Self.replacedName) }

    /// The checkpoint a user names: a run directory's latest checkpoint, or a `.safetensors` file itself.
    public static func checkpointFile(_ runOrCheckpoint: String) throws(ChorusError) -> URL {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: runOrCheckpoint, isDirectory: &isDirectory) else {
            throw ChorusError(file: runOrCheckpoint, problem: "no such run directory or checkpoint file")
        }
        let url = URL(fileURLWithPath: runOrCheckpoint)
        return isDirectory.boolValue ? url.appendingPathComponent("checkpoints/latest.safetensors") : url
    }

    private init(url: URL) {
        self.url = url
    }

    deinit {
        if lockDescriptor >= 0 { close(lockDescriptor) }
    }

    /// The folder at `path` as seen by a data-parallel rank other than 0, which never touches it: no checks,
    /// no lock, nothing created (rank 0 opens the run).
    public static func unopened(_ path: String) -> RunDirectory {
        RunDirectory(url: URL(fileURLWithPath: path).standardizedFileURL)
    }

    // MARK: Recognising runs

    /// True when `url` is a folder whose `config.yaml` begins with a header Chorus writes.
    public static func holdsRun(_ url: URL) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: url.appendingPathComponent("config.yaml").path) else { return false }
        defer { try? handle.close() }
        let start = String(decoding: (try? handle.read(upToCount: 128)) ?? Data(), as: UTF8.self)
        return start.hasPrefix(header) || start.hasPrefix(earlierHeader)
    }

    /// True for a name Chorus writes at the top of a run (lock and temporary files included).
    static func isChorusFile(_ name: String) -> Bool {
        files.contains(name) || name == lockName || (name.hasPrefix(".") && name.hasSuffix(".tmp"))
            || name.hasPrefix("events.out.tfevents.")
    }

    /// Refuses `--out` values that must never hold a run, each with its own message.
    public static func checkLocation(_ path: String, flag: String = "--out") throws(ChorusError) -> URL {
        guard !path.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ChorusError(file: flag, problem: "an empty path is not a run directory; name a new folder such as runs/my-run")
        }
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let resolved = url.resolvingSymlinksInPath().path
        let workingDirectory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).resolvingSymlinksInPath().path
        let homes = Set(
            [ProcessInfo.processInfo.environment["HOME"].map { URL(fileURLWithPath: $0) }, FileManager.default.homeDirectoryForCurrentUser]
                .compactMap { $0?.standardizedFileURL.resolvingSymlinksInPath().path })
        func isSameOrAncestor(_ folder: String, of other: String) -> Bool {
            folder == other || folder == "/" || other.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/")
        }
        if resolved == "/" { throw ChorusError(file: path, problem: "is the root folder; a run needs a folder of its own") }
        if isSameOrAncestor(resolved, of: workingDirectory) {
            throw ChorusError(file: path, problem: "is the working directory or one of its parents; a run needs a folder of its own")
        }
        if homes.contains(resolved) { throw ChorusError(file: path, problem: "is your home folder; a run needs a folder of its own") }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw ChorusError(file: path, problem: "is a file, not a run directory; Chorus will not replace it")
        }
        return url
    }

    /// Refuses an output file (`eval --json`, `plot -o`) that would replace a file of a run (its checkpoints,
    /// metrics, configuration or suite) or a folder; returns its URL.
    public static func checkOutput(_ path: String, flag: String) throws(ChorusError) -> URL {
        guard !path.isEmpty else { throw ChorusError(file: flag, problem: "an empty path is not a file name") }
        let url = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath()
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw ChorusError(file: path, problem: "is a folder; \(flag) names a file to write")
        }
        let folder = url.deletingLastPathComponent()
        let isRunFile =
            (holdsRun(folder) && (files.contains(url.lastPathComponent) || url.lastPathComponent.hasPrefix("events.out.tfevents.")))
            || (folder.lastPathComponent == "checkpoints" && holdsRun(folder.deletingLastPathComponent()))
            || url.pathExtension == "safetensors"
        if isRunFile {
            throw ChorusError(file: path, problem: "is a file of a Chorus run (or a checkpoint); \(flag) will not overwrite it — choose another file")
        }
        return url
    }

    // MARK: Opening

    /// Opens `path` for a new run: checks the location, takes the lock and, with `replacing`, moves an
    /// earlier run's files aside (call `commitReplacement` after the first checkpoint). Call it only
    /// once everything about the new run has been validated.
    public static func create(_ path: String, replacing: Bool) throws(ChorusError) -> RunDirectory {
        let url = try checkLocation(path)
        let fm = FileManager.default
        func isEmpty() -> Bool { ((try? fm.contentsOfDirectory(atPath: url.path)) ?? []).allSatisfy { $0 == lockName } }
        if fm.fileExists(atPath: url.path) && !isEmpty() {
            let notARun = ChorusError(
                file: path,
                problem:
                    "is a folder that is not a Chorus run (no config.yaml written by Chorus); choose a new or empty folder — --overwrite only replaces Chorus runs"
            )
            // A folder that is not a run is refused before anything (even the lock file) is written into it.
            let replaced = url.appendingPathComponent(replacedName).path
            guard holdsRun(url) || fm.fileExists(atPath: replaced) else { throw notARun }
            let directory = RunDirectory(url: url)
            try directory.lock()
            try directory.recoverReplacement()
            if isEmpty() { return directory }
            guard holdsRun(url) else { throw notARun }
            guard replacing else {
                throw ChorusError(
                    file: path,
                    problem: "already holds a run; continue it with --resume \(path), replace it with --overwrite, or choose another --out")
            }
            try directory.moveAside()
            return directory
        }
        let existed = fm.fileExists(atPath: url.path)
        do { try fm.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw ChorusError(file: path, problem: "cannot create the run directory: \(error.localizedDescription)")
        }
        let directory = RunDirectory(url: url)
        directory.createdFolder = !existed
        try directory.lock()
        return directory
    }

    /// Opens the existing run at `path` (to resume it): takes the lock and finishes or rolls back an interrupted replacement.
    public static func open(_ path: String) throws(ChorusError) -> RunDirectory {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ChorusError(file: path, problem: "no such run directory")
        }
        let directory = RunDirectory(url: url)
        try directory.lock()
        try directory.recoverReplacement()
        guard holdsRun(url) else { throw ChorusError(file: path, problem: "is not a Chorus run (no config.yaml written by Chorus)") }
        return directory
    }

    /// Takes the run's exclusive lock, or says which process holds it.
    private func lock() throws(ChorusError) {
        let path = url.appendingPathComponent(Self.lockName).path
        let descriptor = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ChorusError(file: url.path, problem: "cannot create the lock file \(Self.lockName): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = read(descriptor, &buffer, buffer.count)
            close(descriptor)
            let holder = count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
            throw ChorusError(file: url.path, problem: "is in use by another chorus process (pid \(holder)); wait for it to finish or stop it")
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(descriptor, 0)
        _ = pid.withCString { pwrite(descriptor, $0, strlen($0), 0) }
        lockDescriptor = descriptor
    }

    // MARK: Replacing

    /// The entries of the run folder that Chorus wrote (never the lock or the replaced-run folder).
    private func chorusEntries(in folder: URL) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return entries.filter { name in
            name != Self.lockName && name != Self.replacedName && (Self.isChorusFile(name) || Self.folders[name] != nil)
        }.sorted()
    }

    /// Moves the earlier run's Chorus files (and, inside `checkpoints/` and `maps/`, only Chorus's files) into `.chorus-replaced/`.
    private func moveAside() throws(ChorusError) {
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: replacedFolder, withIntermediateDirectories: true)
            for name in chorusEntries(in: url) {
                if let ending = Self.folders[name] {
                    let source = url.appendingPathComponent(name), target = replacedFolder.appendingPathComponent(name)
                    try fm.createDirectory(at: target, withIntermediateDirectories: true)
                    for file in try fm.contentsOfDirectory(atPath: source.path) where file.hasSuffix(ending) || file.hasSuffix(".tmp") {
                        try fm.moveItem(at: source.appendingPathComponent(file), to: target.appendingPathComponent(file))
                    }
                    removeIfEmpty(source)
                } else {
                    try fm.moveItem(at: url.appendingPathComponent(name), to: replacedFolder.appendingPathComponent(name))
                }
            }
        } catch {
            throw ChorusError(file: url.path, problem: "cannot move the earlier run aside: \(error.localizedDescription); nothing was deleted")
        }
    }

    /// The new run has its first checkpoint: deletes the earlier run's files.
    public func commitReplacement() {
        guard FileManager.default.fileExists(atPath: replacedFolder.path) else { return }
        try? FileManager.default.removeItem(at: replacedFolder)
    }

    /// The new run failed before its first checkpoint: deletes what it wrote, and puts back the earlier run
    /// it was replacing or removes the folder this process created, so nothing half-written stays.
    public func abandonNewRun() {
        if FileManager.default.fileExists(atPath: replacedFolder.path) {
            rollBackReplacement()
        } else {
            removeChorusFiles()
            if createdFolder {
                try? FileManager.default.removeItem(at: url.appendingPathComponent(Self.lockName))
                removeIfEmpty(url)
            }
        }
    }

    /// Deletes the files Chorus wrote at the top of the run and inside its own folders (never the lock).
    private func removeChorusFiles() {
        let fm = FileManager.default
        for name in chorusEntries(in: url) {
            if let ending = Self.folders[name] {
                let folder = url.appendingPathComponent(name)
                for file in (try? fm.contentsOfDirectory(atPath: folder.path)) ?? [] where file.hasSuffix(ending) || file.hasSuffix(".tmp") {
                    try? fm.removeItem(at: folder.appendingPathComponent(file))
                }
                removeIfEmpty(folder)
            } else {
                try? fm.removeItem(at: url.appendingPathComponent(name))
            }
        }
    }

    /// Deletes the new run's files and moves the earlier run back from `.chorus-replaced/`.
    public func rollBackReplacement() {
        let fm = FileManager.default
        guard fm.fileExists(atPath: replacedFolder.path) else { return }
        removeChorusFiles()
        for name in (try? fm.contentsOfDirectory(atPath: replacedFolder.path)) ?? [] {
            let source = replacedFolder.appendingPathComponent(name), target = url.appendingPathComponent(name)
            if Self.folders[name] != nil {
                try? fm.createDirectory(at: target, withIntermediateDirectories: true)
                for file in (try? fm.contentsOfDirectory(atPath: source.path)) ?? [] {
                    try? fm.moveItem(at: source.appendingPathComponent(file), to: target.appendingPathComponent(file))
                }
                removeIfEmpty(source)
            } else {
                try? fm.moveItem(at: source, to: target)
            }
        }
        removeIfEmpty(replacedFolder)
    }

    /// Finishes a replacement a killed process left: kept if the new run reached its first checkpoint, rolled back otherwise.
    private func recoverReplacement() throws(ChorusError) {
        guard FileManager.default.fileExists(atPath: replacedFolder.path) else { return }
        if FileManager.default.fileExists(atPath: latestCheckpoint.path) && Self.holdsRun(url) {
            commitReplacement()
        } else {
            rollBackReplacement()
        }
        if FileManager.default.fileExists(atPath: replacedFolder.path) {
            throw ChorusError(
                file: replacedFolder.path,
                problem:
                    "holds an earlier run that an interrupted --overwrite left behind and that could not be restored; move its files back by hand")
        }
    }

    private func removeIfEmpty(_ folder: URL) {
        if ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? ["?"]).isEmpty {
            try? FileManager.default.removeItem(at: folder)
        }
    }

    // MARK: Housekeeping

    /// Deletes temporary files a killed process left in the run (safe while this process holds the lock).
    public func removeStaleTemporaryFiles() {
        let fm = FileManager.default
        for folder in [url, checkpointsFolder, url.appendingPathComponent("maps")] {
            for name in (try? fm.contentsOfDirectory(atPath: folder.path)) ?? [] where name.hasPrefix(".") && name.hasSuffix(".tmp") {
                try? fm.removeItem(at: folder.appendingPathComponent(name))
            }
        }
    }
}
