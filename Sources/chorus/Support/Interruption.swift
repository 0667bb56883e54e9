import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ctrl-C (SIGINT) and SIGTERM as a flag that long work polls, so it can save and exit cleanly.
///
/// A run stopped this way exits with the shell's convention, 128 + the signal (130 for Ctrl-C, 143 for
/// SIGTERM), so that `chorus train … && chorus eval …` does not go on with a half-trained model.
enum Interruption {
    nonisolated(unsafe) private static var signalNumber: sig_atomic_t = 0

    /// Installs the handlers and unblocks both signals (a parent may have started chorus with them
    /// blocked, as thread pools do); a second signal while stopping exits at once.
    static func install() {
        let handler: @convention(c) (Int32) -> Void = { received in
            if Interruption.signalNumber != 0 { _exit(128 + received) }
            Interruption.signalNumber = received
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    }

    static var requested: Bool { signalNumber != 0 }

    /// The exit of a command that stopped after saving: 130 for SIGINT, 143 for SIGTERM.
    static var exit: ExitCode { ExitCode(128 + Int32(signalNumber == 0 ? SIGINT : signalNumber)) }
}
