import Foundation

/// The processes a launcher started together, and the communicator between them.
///
/// Built with the `MPI` trait, `join` initialises MPI (a process started without `mpirun` is rank 0 of 1);
/// without it, a single-process communicator. Either way it refuses to run when the launcher's environment
/// (`OMPI_COMM_WORLD_SIZE`, `PMI_SIZE`, `PMIX_SIZE`) says more processes were started than the
/// communicator sees: N copies each believing it runs alone would each write the same run.
public enum ProcessGroup {
    /// The launcher variables that hold the number of processes started, in the order they are read.
    public static let launcherVariables = ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"]

    /// How many processes the launcher says it started (nil when not started by an MPI launcher).
    public static func launchedSize(environment: [String: String]) -> (size: Int, variable: String)? {
        for name in launcherVariables {
            if let value = environment[name], let size = Int(value), size > 0 { return (size, name) }
        }
        return nil
    }

    /// True when this binary was built with the `MPI` trait.
    public static var supportsMPI: Bool {
        #if MPI
        true
        #else
        false
        #endif
    }

    /// The communicator of this run; throws on a launcher and library mismatch.
    public static func join(environment: [String: String] = ProcessInfo.processInfo.environment) throws(CommunicationError) -> any Communicator {
        let launched = launchedSize(environment: environment)
        #if MPI
        let communicator = try MPICommunicator()
        if let launched, launched.size != communicator.size {
            communicator.finalize()
            throw CommunicationError(
                "the launcher started \(launched.size) processes (\(launched.variable)) but MPI sees \(communicator.size): chorus is linked to a different MPI library than the one mpirun belongs to (this build uses Open MPI; start it with Open MPI's mpirun, e.g. mpirun.openmpi)"
            )
        }
        return communicator
        #else
        if let launched, launched.size > 1 {
            throw CommunicationError(
                "started by an MPI launcher with \(launched.size) processes (\(launched.variable)), but this chorus was built without MPI, so each would train alone; build with swift build -c release --traits default,MPI"
            )
        }
        return SingleProcessCommunicator()
        #endif
    }
}
