#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One process on its own: rank 0 of 1, and every collective operation the identity.
public final class SingleProcessCommunicator: Communicator {
    public init() {}

    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func allreduceSum(_ buffer: inout [Float]) {}
    public func allreduceSum(_ buffer: inout [Double]) {}
    public func broadcast(_ buffer: inout [Float]) {}
    public func allgather(_ values: [Double]) -> [[Double]] { [values] }
    public func duplicate() -> any Communicator { SingleProcessCommunicator() }
    public var allowsConcurrentThreads: Bool { true }
    public func send(_ values: [Double], to destination: Int, tag: Int) { preconditionFailure("one process has no rank \(destination) to send to") }
    public func startSend(_ values: [Double], to destination: Int, tag: Int) -> any PendingSend {
        preconditionFailure("one process has no rank \(destination) to send to")
    }
    public func receive(from source: Int, tag: Int) -> [Double] { preconditionFailure("one process has no rank \(source) to receive from") }
    public func barrier() {}
    public func abort(code: Int32) -> Never { exit(code) }
    public func finalize() {}
}
