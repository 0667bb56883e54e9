import Foundation
import TestSupport
import Testing

/// A chorus built without MPI but started by an MPI launcher with several ranks refuses to train N copies alone.
@Suite struct LauncherMismatchTests {
    #if !MPI
    @Test func aBuildWithoutMPIRefusesSeveralLaunchedRanks() throws {
        let dir = Fixtures.temporaryDirectory("launcher")
        let result = try ChorusBinary.run(
            ["train", "--suite", "cartpole", "--agent", "ppo", "--steps", "64", "--out", dir.appendingPathComponent("run").path],
            environment: ["OMPI_COMM_WORLD_SIZE": "2"])
        #expect(result.status == 1 && result.error.contains("built without MPI"), "\(result.error)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("run").path), "nothing written")
    }
    #endif
}
