import CBLAS
#if canImport(Glibc)
import Glibc
#endif

/// Makes sure OpenBLAS runs kernels that fit this CPU, single-threaded.
///
/// Debian's dynamic-arch OpenBLAS detects some AVX-512 CPUs as "Prescott" and runs SSE3 kernels about
/// five times slower. The kernels are chosen when the library loads, so when that happens (and the user
/// did not choose with `OPENBLAS_CORETYPE`) Chorus re-executes itself once with the right core type.
public enum BLASKernels {
    /// The kernel set OpenBLAS is using, e.g. `SkylakeX`.
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// The core type to force, or nil to keep what OpenBLAS chose.
    ///
    /// - Parameters:
    ///   - detected: `openblas_get_corename()`.
    ///   - userChoice: the value of `OPENBLAS_CORETYPE`, if set (the user's choice always wins).
    ///   - hasAVX512: the CPU supports AVX-512F.
    ///   - hasAVX2FMA: the CPU supports AVX2 and FMA.
    public static func preferredCoreType(detected: String, userChoice: String?, hasAVX512: Bool, hasAVX2FMA: Bool) -> String? {
        guard userChoice == nil else { return nil }
        let weak = ["prescott", "core2", "nehalem", "atom", "katmai", "coppermine", "northwood", "banias", "penryn", "dunnington", "unknown"]
        guard weak.contains(detected.lowercased()) else { return nil }
        if hasAVX512 { return "SkylakeX" }
        if hasAVX2FMA { return "Haswell" }
        return nil
    }

    /// Re-executes the process with a better `OPENBLAS_CORETYPE` when needed (returns only when no
    /// re-exec is needed or it failed), and limits OpenBLAS to one thread.
    public static func ensureFastKernels() {
        if getenv("OPENBLAS_NUM_THREADS") == nil { setenv("OPENBLAS_NUM_THREADS", "1", 1) }
        openblas_set_num_threads(1)
        let user = getenv("OPENBLAS_CORETYPE").map { String(cString: $0) }
        guard getenv("CHORUS_BLAS_REEXEC") == nil,
            let core = preferredCoreType(
                detected: coreName, userChoice: user,
                hasAVX512: chorus_cpu_has_avx512f() != 0, hasAVX2FMA: chorus_cpu_has_avx2_fma() != 0)
        else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        setenv("CHORUS_BLAS_REEXEC", "1", 1)  // never loop, even if the library ignores the variable
        execv("/proc/self/exe", CommandLine.unsafeArgv)
    }
}
