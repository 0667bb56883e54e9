import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a whole file or nothing: the bytes go to `.NAME.PID.tmp` beside the target, are flushed to
/// disk, and the temporary file is renamed over the target; on any failure (a full disk among them)
/// the temporary file is removed and the target is left as it was.
public enum AtomicFile {
    public static func write(_ text: String, to url: URL) throws(ChorusError) {
        try write(Array(text.utf8), to: url)
    }

    public static func write(_ bytes: [UInt8], to url: URL) throws(ChorusError) {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        func fail(_ what: String) -> ChorusError {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            return ChorusError(file: url.path, problem: "cannot write the file (\(what): \(reason)); the previous version, if any, is unchanged")
        }
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw fail("create") }
        var written = 0
        let ok: Bool = bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let n = Glibc.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if n < 0 { if errno == EINTR { continue }; return false }
                written += n
            }
            return true
        }
        guard ok else { close(descriptor); throw fail("write") }
        guard fsync(descriptor) == 0 else { close(descriptor); throw fail("sync") }
        guard close(descriptor) == 0 else { throw fail("close") }
        guard rename(temporary.path, url.path) == 0 else { throw fail("rename") }
    }
}
