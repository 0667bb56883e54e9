import Communication
import NeuralNetworks

/// The check that every rank of a data-parallel run still holds the same network (Baselines' `check_synced`).
///
/// Ranks never exchange parameters after the first broadcast: identical averaged gradients keep them
/// identical. A fingerprint of the parameters and PopArt statistics is compared at every log interval;
/// a difference (a rank that drew differently, a non-deterministic library) stops the run.
public enum ReplicaCheck {
    /// FNV-1a over the bits of every parameter value and PopArt moment.
    public static func fingerprint(of parameters: [Parameter], popArt: PopArt) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ word: UInt64) {
            for byte in 0..<8 {
                hash ^= (word >> (8 * UInt64(byte))) & 0xFF
                hash = hash &* 0x100_0000_01B3
            }
        }
        for parameter in parameters {
            for value in parameter.value.storage { mix(UInt64(value.bitPattern)) }
        }
        for value in popArt.means + popArt.secondMoments { mix(value.bitPattern) }
        return hash
    }

    /// Throws unless every rank's fingerprint equals rank 0's (collective: every rank calls it at the same step).
    public static func verify(_ parameters: [Parameter], popArt: PopArt, communicator: any Communicator, step: Int) throws(TrainingError) {
        guard communicator.size > 1 else { return }
        let mine = fingerprint(of: parameters, popArt: popArt)
        let all = communicator.allgather([Double(bitPattern: mine)]).map { $0.first?.bitPattern ?? 0 }
        guard all.allSatisfy({ $0 == all[0] }) else {
            let listing = all.enumerated().map { "rank \($0): \(String($1, radix: 16))" }.joined(separator: ", ")
            throw TrainingError(
                "the ranks' parameters differ at step \(step) (\(listing)); data-parallel ranks must run the same binary, MPI library and BLAS on the same kind of CPU"
            )
        }
    }
}
