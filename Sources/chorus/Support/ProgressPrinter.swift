import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Live progress on a terminal (one rewritten line), plain log lines otherwise.
struct ProgressPrinter {
    let isTerminal = isatty(STDOUT_FILENO) != 0
    private var lastLive = Date.distantPast

    mutating func show(_ line: String, isLogLine: Bool) {
        if isLogLine {
            print(isTerminal ? "\r\u{1B}[2K" + line : line)
            fflush(nil)
        } else if isTerminal, Date().timeIntervalSince(lastLive) > 0.2 {
            lastLive = Date()
            print("\r\u{1B}[2K" + line, terminator: "")
            fflush(nil)
        }
    }
}
