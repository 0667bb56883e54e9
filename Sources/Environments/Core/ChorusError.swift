/// An error a user can cause: it names the file (or flag) and the problem, and prints as one line.
public struct ChorusError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file, flag or name the problem is in.
    public var file: String
    public var line: Int?
    public var column: Int?
    public var problem: String

    public init(file: String, line: Int? = nil, column: Int? = nil, problem: String) {
        self.file = file
        self.line = line
        self.column = column
        self.problem = problem
    }

    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        return "\(location): \(problem)"
    }
}
