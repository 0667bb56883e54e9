import Environments
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends scalar summaries to a TensorBoard event file, `events.out.tfevents.<unix seconds>.<host>`.
///
/// The file is a sequence of TFRecord records, each
///
///     u64 LE length · u32 LE masked CRC-32C(length bytes) · data · u32 LE masked CRC-32C(data)
///
/// whose data is one serialized `TensorBoardEvent`; the first is the file version `"brain.Event:2"`.
/// Every record goes to the file in one `write(2)` on a descriptor opened with `O_APPEND`; a failed
/// write (a full disk) cuts the file back to its last whole record and throws a `ChorusError` naming it.
public final class TensorBoardWriter {
    /// The event file.
    public let file: URL
    private let descriptor: Int32
    private let wallClock: () -> Double
    /// The length of the file up to its last whole record.
    private var length: off_t = 0

    /// Creates a new event file in the existing `directory` and writes its file-version record.
    ///
    /// The file is never replaced: when one of the same name exists (another writer in the same second
    /// on this host), this throws, unless `numbered`, which then tries `….<host>.1`, `.2`, … instead.
    public convenience init(
        directory: URL, numbered: Bool = false,
        wallClock: @escaping () -> Double = { Date().timeIntervalSince1970 }
    ) throws(ChorusError) {
        let now = wallClock()
        let base = "events.out.tfevents.\(Int64(exactly: now.rounded(.down)) ?? 0).\(Self.hostName)"
        var file = directory.appendingPathComponent(base)
        var number = 0
        while numbered && FileManager.default.fileExists(atPath: file.path) {
            number += 1
            file = directory.appendingPathComponent("\(base).\(number)")
        }
        try self.init(file: file, flags: O_CREAT | O_EXCL, now: now, wallClock: wallClock)
    }

    /// Opens `file` for appending with the extra `open(2)` flags and writes the file-version record at time `now`.
    init(file: URL, flags: Int32, now: Double, wallClock: @escaping () -> Double) throws(ChorusError) {
        self.file = file
        self.wallClock = wallClock
        descriptor = open(file.path, O_WRONLY | O_APPEND | O_CLOEXEC | flags, 0o644)
        guard descriptor >= 0 else { throw failure("cannot create") }
        length = max(lseek(descriptor, 0, SEEK_END), 0)
        try append(TensorBoardEvent(wallTime: now, content: .fileVersion(TensorBoardEvent.currentFileVersion)))
    }

    deinit { close(descriptor) }

    /// Appends one event at `step` whose summary holds every scalar, each stored as a `Float`.
    public func write(scalars: [(tag: String, value: Double)], step: Int) throws(ChorusError) {
        let values = scalars.map { TensorBoardEvent.Value(tag: $0.tag, simpleValue: Float($0.value)) }
        try append(TensorBoardEvent(wallTime: wallClock(), step: Int64(step), content: .summary(values)))
    }

    /// Forces the records written so far to disk (`fsync(2)`).
    public func flush() throws(ChorusError) {
        guard fsync(descriptor) == 0 else { throw failure("cannot flush") }
    }

    /// The TFRecord framing of `data`: its length, the length's masked CRC, the data, the data's masked CRC.
    public static func record(_ data: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(data.count + 16)
        bytes.appendLittleEndian(UInt64(data.count))
        bytes.appendLittleEndian(CRC32C.maskedChecksum(bytes))
        bytes.append(contentsOf: data)
        bytes.appendLittleEndian(CRC32C.maskedChecksum(data))
        return bytes
    }

    /// Writes `event` as one record, or cuts a partly written record off again and throws.
    private func append(_ event: TensorBoardEvent) throws(ChorusError) {
        let bytes = Self.record(event.serialized)
        let failed: Int32? = bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let count = systemWrite(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if count < 0 && errno != EINTR { return errno }
                written += max(count, 0)
            }
            return nil
        }
        if let failed {
            _ = ftruncate(descriptor, length)
            errno = failed
            throw failure("cannot write")
        }
        length += off_t(bytes.count)
    }

    /// The error for a failed `action` on the file, with the system's reason.
    private func failure(_ action: String) -> ChorusError {
        ChorusError(file: file.path, problem: "\(action) the TensorBoard event file: \(String(cString: strerror(errno)))")
    }

    /// This machine's name, as `gethostname(3)` gives it ("localhost" when it cannot).
    static var hostName: String {
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, name.count - 1) == 0, name[0] != 0 else { return "localhost" }
        return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// `write(2)`, out of reach of the method of the same name.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
