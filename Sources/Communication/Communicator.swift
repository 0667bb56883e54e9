/// The processes of one data-parallel run and the collective operations Chorus needs between them.
///
/// Every rank must make the same calls in the same order (they are collective): a rank that calls
/// `allreduceSum` while another calls `allgather` hangs the run. Two implementations: the
/// `SingleProcessCommunicator` (rank 0 of 1, every collective the identity) and, in builds with the `MPI`
/// trait, the `MPICommunicator`. Nothing but this module imports MPI.
public protocol Communicator: AnyObject {
    /// This process's index, `0 ..< size`; rank 0 writes the run's files.
    var rank: Int { get }
    /// How many processes take part.
    var size: Int { get }
    /// Replaces `buffer` on every rank by the elementwise sum of every rank's `buffer` (same length on all ranks).
    func allreduceSum(_ buffer: inout [Float])
    /// Replaces `buffer` on every rank by the elementwise sum of every rank's `buffer` (same length on all ranks).
    func allreduceSum(_ buffer: inout [Double])
    /// Replaces `buffer` on every rank by rank 0's (same length on all ranks).
    func broadcast(_ buffer: inout [Float])
    /// Every rank's `values`, in rank order, copied bit for bit (lengths may differ between ranks).
    func allgather(_ values: [Double]) -> [[Double]]
    /// A communicator over the same ranks whose collectives never match this one's, for a second thread
    /// that makes collective calls of its own (collective: every rank calls it, in the same order).
    func duplicate() -> any Communicator
    /// Whether two threads may make calls at once (each on its own `duplicate`): MPI's `MPI_THREAD_MULTIPLE`.
    var allowsConcurrentThreads: Bool { get }
    /// Sends `values` to rank `destination` with `tag`; returns once the buffer may be reused (a large message
    /// may wait for the matching `receive`). Point to point: only the two ranks take part.
    func send(_ values: [Double], to destination: Int, tag: Int)
    /// Starts sending `values` to `destination` and returns at once (`MPI_Isend`): the send completes while
    /// this rank goes on; `wait()` on the result before the process ends.
    func startSend(_ values: [Double], to destination: Int, tag: Int) -> any PendingSend
    /// The next message with `tag` from rank `source`, whatever its length (blocks until it arrives).
    func receive(from source: Int, tag: Int) -> [Double]
    /// Returns once every rank has called it.
    func barrier()
    /// Stops every rank at once with exit code `code` (after one rank failed where the others may be waiting).
    func abort(code: Int32) -> Never
    /// Ends the collective session; called once, on every exit path, before the process exits.
    func finalize()
}

extension Communicator {
    /// True on the rank that writes the run's files.
    public var isRoot: Bool { rank == 0 }

    /// True on every rank when `flag` is true on at least one of them.
    public func anyRank(_ flag: Bool) -> Bool {
        guard size > 1 else { return flag }
        var buffer: [Double] = [flag ? 1 : 0]
        allreduceSum(&buffer)
        return buffer[0] > 0
    }
}

/// A send started by `startSend`.
public protocol PendingSend: AnyObject {
    /// Returns once the message has left this rank's buffer.
    func wait()
}
