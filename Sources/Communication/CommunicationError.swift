/// Why a process could not join its run's process group (a launcher and library mismatch, a failed MPI call).
public struct CommunicationError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) { self.description = description }
}
