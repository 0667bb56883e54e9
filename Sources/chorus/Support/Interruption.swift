#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ctrl-C (SIGINT/SIGTERM) as a flag that long work polls, so it can save and exit cleanly.
enum Interruption {
    nonisolated(unsafe) private static var flag: sig_atomic_t = 0

    /// Installs the handlers; a second Ctrl-C while stopping exits at once.
    static func install() {
        let handler: @convention(c) (Int32) -> Void = { _ in
            if Interruption.flag != 0 { _exit(130) }
            Interruption.flag = 1
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
    }

    static var requested: Bool { flag != 0 }
}
