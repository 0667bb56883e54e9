import Agents
import Communication
import NeuralNetworks
import Testing

/// The ranks' parameter fingerprints: equal ones pass, a rank that drifted stops the run with a message.
@Suite struct ReplicaCheckTests {
    /// A stand-in for rank 0 of two whose other rank reports `otherFingerprint` (or this rank's own).
    final class TwoRanks: Communicator {
        var otherFingerprint: UInt64?
        let rank = 0, size = 2
        func allreduceSum(_ buffer: inout [Float]) { for k in buffer.indices { buffer[k] *= 2 } }
        func allreduceSum(_ buffer: inout [Double]) { for k in buffer.indices { buffer[k] *= 2 } }
        func broadcast(_ buffer: inout [Float]) {}
        func allgather(_ values: [Double]) -> [[Double]] { [values, otherFingerprint.map { [Double(bitPattern: $0)] } ?? values] }
        func duplicate() -> any Communicator { self }
        func send(_ values: [Double], to destination: Int, tag: Int) { fatalError("not used") }
        func startSend(_ values: [Double], to destination: Int, tag: Int) -> any PendingSend { fatalError("not used") }
        func receive(from source: Int, tag: Int) -> [Double] { fatalError("not used") }
        let allowsConcurrentThreads = false
        func barrier() {}
        func abort(code: Int32) -> Never { fatalError("abort \(code)") }
        func finalize() {}
    }

    @Test func equalFingerprintsPassAndADifferenceNamesEveryRank() throws {
        let parameters = [Parameter(name: "w", value: Tensor(rows: 1, columns: 3, values: [1, 2, 3]))]
        let popArt = PopArt(tasks: 1, enabled: true, beta: 0.1, sigmaMin: 0.01, sigmaMax: 1e6)
        let ranks = TwoRanks()
        try ReplicaCheck.verify(parameters, popArt: popArt, communicator: ranks, step: 10)
        let mine = ReplicaCheck.fingerprint(of: parameters, popArt: popArt)
        parameters[0].value.storage[2] = 3.0000002
        #expect(ReplicaCheck.fingerprint(of: parameters, popArt: popArt) != mine, "one ulp changes the fingerprint")
        ranks.otherFingerprint = mine
        let error = #expect(throws: TrainingError.self) {
            try ReplicaCheck.verify(parameters, popArt: popArt, communicator: ranks, step: 10)
        }
        #expect(error?.description.contains("differ at step 10") == true && error?.description.contains("rank 1: ") == true)
    }

    @Test func gradientsAreAveragedOverTheRanks() {
        let parameter = Parameter(name: "w", value: Tensor(rows: 1, columns: 2, values: [0, 0]))
        parameter.gradient.storage = [0.5, -3]
        let reducer = GradientAllreduce(communicator: TwoRanks())
        reducer.reduce([parameter])
        #expect(parameter.gradient.storage == [0.5, -3], "two equal rank gradients average to themselves")
        #expect(reducer.reductions == 1)
    }
}
