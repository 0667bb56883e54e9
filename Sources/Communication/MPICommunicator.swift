#if MPI
import CMPI

/// The processes started by `mpirun` or `srun` (`MPI_COMM_WORLD`), over Open MPI.
///
/// Initialised asking for `MPI_THREAD_MULTIPLE` and accepting `MPI_THREAD_FUNNELED`: environments step
/// on several threads, and only a pipelined actor–learner makes calls from two threads at once (each
/// on its own `duplicate`), which needs the former. Started without a launcher it is rank 0 of 1.
/// `finalize` must run before the process exits (Swift runs no deinitialiser for a process's last objects).
public final class MPICommunicator: Communicator {
    public let rank: Int
    public let size: Int
    public let allowsConcurrentThreads: Bool
    /// `MPI_COMM_WORLD`, or a duplicate of it.
    private let comm: MPI_Comm
    /// Whether this object joined MPI (and so ends it); duplicates do not.
    private let ownsSession: Bool
    private var finalized = false

    /// Joins `MPI_COMM_WORLD`; throws when MPI cannot start or does not offer funnelled threads.
    public init() throws(CommunicationError) {
        var provided: Int32 = 0
        guard MPI_Init_thread(nil, nil, CMPI_ThreadMultiple(), &provided) == CMPI_Success() else {
            throw CommunicationError("MPI_Init_thread failed")
        }
        var rank: Int32 = 0, size: Int32 = 0
        MPI_Comm_rank(CMPI_CommWorld(), &rank)
        MPI_Comm_size(CMPI_CommWorld(), &size)
        self.rank = Int(rank)
        self.size = Int(size)
        comm = CMPI_CommWorld()
        ownsSession = true
        allowsConcurrentThreads = provided >= CMPI_ThreadMultiple()
        guard provided >= CMPI_ThreadFunneled() else {
            MPI_Finalize()
            throw CommunicationError("the MPI library offers thread level \(provided), below MPI_THREAD_FUNNELED")
        }
    }

    private init(duplicating other: MPICommunicator) {
        var copy = CMPI_CommNull()
        let status = MPI_Comm_dup(other.comm, &copy)
        if status != CMPI_Success() { fatalError("MPI_Comm_dup failed with status \(status)") }
        comm = copy!
        rank = other.rank
        size = other.size
        allowsConcurrentThreads = other.allowsConcurrentThreads
        ownsSession = false
    }

    /// `MPI_Comm_dup`: the same ranks, a separate space of messages.
    public func duplicate() -> any Communicator { MPICommunicator(duplicating: self) }

    public func allreduceSum(_ buffer: inout [Float]) {
        guard size > 1 else { return }
        let count = Int32(buffer.count)
        buffer.withUnsafeMutableBytes { bytes in
            check(MPI_Allreduce(CMPI_InPlace(), bytes.baseAddress, count, CMPI_Float(), CMPI_Sum(), comm), "MPI_Allreduce")
        }
    }

    public func allreduceSum(_ buffer: inout [Double]) {
        guard size > 1 else { return }
        let count = Int32(buffer.count)
        buffer.withUnsafeMutableBytes { bytes in
            check(MPI_Allreduce(CMPI_InPlace(), bytes.baseAddress, count, CMPI_Double(), CMPI_Sum(), comm), "MPI_Allreduce")
        }
    }

    public func broadcast(_ buffer: inout [Float]) {
        guard size > 1 else { return }
        let count = Int32(buffer.count)
        buffer.withUnsafeMutableBytes { bytes in
            check(MPI_Bcast(bytes.baseAddress, count, CMPI_Float(), 0, comm), "MPI_Bcast")
        }
    }

    /// Gathers the lengths first, then the values as bytes (`MPI_Allgatherv` of `MPI_BYTE`), so every bit survives.
    public func allgather(_ values: [Double]) -> [[Double]] {
        guard size > 1 else { return [values] }
        var counts = [Int32](repeating: 0, count: size)
        var mine = Int32(values.count * MemoryLayout<Double>.size)
        counts.withUnsafeMutableBytes { all in
            check(MPI_Allgather(&mine, 1, CMPI_Int(), all.baseAddress, 1, CMPI_Int(), comm), "MPI_Allgather")
        }
        var displacements = [Int32](repeating: 0, count: size)
        for r in 1..<size { displacements[r] = displacements[r - 1] + counts[r - 1] }
        let total = Int(displacements[size - 1] + counts[size - 1]) / MemoryLayout<Double>.size
        var gathered = [Double](repeating: 0, count: total)
        values.withUnsafeBytes { send in
            gathered.withUnsafeMutableBytes { receive in
                check(
                    MPI_Allgatherv(
                        send.baseAddress, mine, CMPI_Byte(), receive.baseAddress, counts, displacements, CMPI_Byte(), comm),
                    "MPI_Allgatherv")
            }
        }
        return (0..<size).map { r in
            let start = Int(displacements[r]) / MemoryLayout<Double>.size
            return Array(gathered[start..<(start + Int(counts[r]) / MemoryLayout<Double>.size)])
        }
    }

    public func send(_ values: [Double], to destination: Int, tag: Int) {
        values.withUnsafeBytes { bytes in
            check(MPI_Send(bytes.baseAddress, Int32(values.count), CMPI_Double(), Int32(destination), Int32(tag), comm), "MPI_Send")
        }
    }

    public func startSend(_ values: [Double], to destination: Int, tag: Int) -> any PendingSend {
        MPIPendingSend(values, destination: Int32(destination), tag: Int32(tag), comm: comm)
    }

    /// `MPI_Probe` for the length, then `MPI_Recv`.
    public func receive(from source: Int, tag: Int) -> [Double] {
        var status = MPI_Status()
        check(MPI_Probe(Int32(source), Int32(tag), comm, &status), "MPI_Probe")
        var count: Int32 = 0
        check(MPI_Get_count(&status, CMPI_Double(), &count), "MPI_Get_count")
        var values = [Double](repeating: 0, count: Int(count))
        values.withUnsafeMutableBytes { bytes in
            check(MPI_Recv(bytes.baseAddress, count, CMPI_Double(), Int32(source), Int32(tag), comm, CMPI_StatusIgnore()), "MPI_Recv")
        }
        return values
    }

    public func barrier() { check(MPI_Barrier(comm), "MPI_Barrier") }

    public func abort(code: Int32) -> Never {
        MPI_Abort(CMPI_CommWorld(), code)
        fatalError("MPI_Abort returned")
    }

    public func finalize() {
        guard ownsSession, !finalized else { return }
        finalized = true
        MPI_Finalize()
    }

    /// MPI's default error handler aborts the job, so a failure that returns is a library defect: stop here.
    private func check(_ status: Int32, _ call: String) {
        if status != CMPI_Success() { fatalError("\(call) failed with status \(status)") }
    }
}

/// An `MPI_Isend` in flight, with the copy of the message it reads from until it completes.
final class MPIPendingSend: PendingSend {
    private let buffer: UnsafeMutableBufferPointer<Double>
    private var request: MPI_Request? = CMPI_RequestNull()
    private var done = false

    init(_ values: [Double], destination: Int32, tag: Int32, comm: MPI_Comm) {
        buffer = .allocate(capacity: max(values.count, 1))
        _ = buffer.initialize(from: values)
        let status = MPI_Isend(buffer.baseAddress, Int32(values.count), CMPI_Double(), destination, tag, comm, &request)
        if status != CMPI_Success() { fatalError("MPI_Isend failed with status \(status)") }
    }

    func wait() {
        guard !done else { return }
        done = true
        let status = MPI_Wait(&request, CMPI_StatusIgnore())
        if status != CMPI_Success() { fatalError("MPI_Wait failed with status \(status)") }
        buffer.deallocate()
    }
}
#endif
