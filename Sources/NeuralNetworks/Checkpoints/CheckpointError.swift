/// A checkpoint that cannot be written or read: it names the file and the problem.
public struct CheckpointError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    public var problem: String

    public init(file: String = "", problem: String) {
        self.file = file
        self.problem = problem
    }

    /// The same error, naming `file`.
    public func inFile(_ file: String) -> CheckpointError { CheckpointError(file: file, problem: problem) }

    public var description: String { file.isEmpty ? problem : "\(file): \(problem)" }
}
