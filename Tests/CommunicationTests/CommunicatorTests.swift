import Communication
import Testing

/// The single-process communicator and the launcher check.
@Suite struct CommunicatorTests {
    @Test func singleProcessCollectivesAreTheIdentity() {
        let communicator = SingleProcessCommunicator()
        #expect(communicator.rank == 0 && communicator.size == 1 && communicator.isRoot)
        var floats: [Float] = [1, -2, 3.5]
        communicator.allreduceSum(&floats)
        communicator.broadcast(&floats)
        #expect(floats == [1, -2, 3.5])
        var doubles = [0.25, .nan]
        communicator.allreduceSum(&doubles)
        #expect(doubles[0] == 0.25 && doubles[1].isNaN)
        #expect(communicator.allgather([1, 2]) == [[1, 2]])
        #expect(communicator.anyRank(true) && !communicator.anyRank(false))
        communicator.barrier()
        communicator.finalize()
    }

    @Test func launcherSizeIsReadFromItsVariables() {
        #expect(ProcessGroup.launchedSize(environment: [:]) == nil)
        #expect(ProcessGroup.launchedSize(environment: ["OMPI_COMM_WORLD_SIZE": "4"])?.size == 4)
        #expect(ProcessGroup.launchedSize(environment: ["PMI_SIZE": "2"])?.variable == "PMI_SIZE")
        #expect(ProcessGroup.launchedSize(environment: ["PMI_SIZE": "many"]) == nil)
    }

    #if !MPI
    @Test func aBuildWithoutMPIRefusesToRunUnderALauncherWithSeveralRanks() throws {
        #expect(throws: CommunicationError.self) { try ProcessGroup.join(environment: ["OMPI_COMM_WORLD_SIZE": "2"]) }
        let alone = try ProcessGroup.join(environment: ["OMPI_COMM_WORLD_SIZE": "1"])
        #expect(alone.size == 1)
    }
    #endif
}
