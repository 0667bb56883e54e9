/// Why training stopped early: a non-finite loss (naming the task and step) or a problem with saved state.
public struct TrainingError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
