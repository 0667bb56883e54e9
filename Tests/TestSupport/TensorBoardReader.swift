import Agents
import Foundation

/// Reads TensorBoard event files for tests: walks the TFRecord records, re-checks both CRCs and decodes each `Event`.
///
/// Only the fields Chorus writes are decoded (`wall_time`, `step`, `file_version`, and each summary
/// value's `tag` and `simple_value`); other fields are skipped by their wire type.
public enum TensorBoardReader {
    /// A record or field that does not decode, with the index of its first byte in the bytes read.
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public var offset: Int
        public var problem: String
        public var description: String { "byte \(offset): \(problem)" }
    }

    /// The events of the file at `url`.
    public static func events(in url: URL) throws -> [TensorBoardEvent] {
        try events(from: [UInt8](Data(contentsOf: url)))
    }

    /// The events of an event file's bytes.
    public static func events(from bytes: [UInt8]) throws(Failure) -> [TensorBoardEvent] {
        var events: [TensorBoardEvent] = []
        for data in try records(from: bytes) { events.append(try event(from: data)) }
        return events
    }

    /// The data of each TFRecord record (a slice of `bytes`), both masked CRC-32Cs checked.
    public static func records(from bytes: [UInt8]) throws(Failure) -> [ArraySlice<UInt8>] {
        var records: [ArraySlice<UInt8>] = []
        var offset = 0
        while offset < bytes.count {
            guard bytes.count - offset >= 16 else { throw Failure(offset: offset, problem: "a record cut short") }
            let header = bytes[offset..<offset + 8]
            guard littleEndian(bytes[offset + 8..<offset + 12]) == UInt64(CRC32C.maskedChecksum(header)) else {
                throw Failure(offset: offset, problem: "the length's CRC does not match")
            }
            let length = littleEndian(header)
            guard length <= UInt64(bytes.count - offset - 16) else { throw Failure(offset: offset, problem: "a record of \(length) bytes cut short") }
            let start = offset + 12, end = start + Int(length)
            guard littleEndian(bytes[end..<end + 4]) == UInt64(CRC32C.maskedChecksum(bytes[start..<end])) else {
                throw Failure(offset: offset, problem: "the data's CRC does not match")
            }
            records.append(bytes[start..<end])
            offset = end + 4
        }
        return records
    }

    /// Decodes one serialized `Event`.
    public static func event(from data: ArraySlice<UInt8>) throws(Failure) -> TensorBoardEvent {
        var event = TensorBoardEvent(wallTime: 0, content: .summary([]))
        var fields = Fields(data)
        while case let (field, payload)? = try fields.next() {
            switch (field, payload) {
            case (1, .fixed64(let bits)): event.wallTime = Double(bitPattern: bits)
            case (2, .varint(let value)): event.step = Int64(bitPattern: value)
            case (3, .bytes(let text)): event.content = .fileVersion(String(decoding: text, as: UTF8.self))
            case (5, .bytes(let summary)): event.content = .summary(try values(from: summary))
            default: break
            }
        }
        return event
    }

    /// The values of a serialized `Summary`.
    static func values(from data: ArraySlice<UInt8>) throws(Failure) -> [TensorBoardEvent.Value] {
        var values: [TensorBoardEvent.Value] = []
        var fields = Fields(data)
        while case let (field, payload)? = try fields.next() {
            guard field == 1, case .bytes(let message) = payload else { continue }
            var value = TensorBoardEvent.Value(tag: "", simpleValue: 0)
            var valueFields = Fields(message)
            while case let (field, payload)? = try valueFields.next() {
                switch (field, payload) {
                case (1, .bytes(let tag)): value.tag = String(decoding: tag, as: UTF8.self)
                case (2, .fixed32(let bits)): value.simpleValue = Float(bitPattern: bits)
                default: break
                }
            }
            values.append(value)
        }
        return values
    }

    /// The little-endian number in `bytes` (at most eight).
    static func littleEndian(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// A field's payload, by wire type.
    enum Payload {
        case varint(UInt64), fixed64(UInt64), bytes(ArraySlice<UInt8>), fixed32(UInt32)
    }

    /// The fields of one protobuf message, in order.
    struct Fields {
        let data: ArraySlice<UInt8>
        var position: Int

        init(_ data: ArraySlice<UInt8>) {
            self.data = data
            position = data.startIndex
        }

        /// The next field number and payload, or nil at the end of the message.
        mutating func next() throws(Failure) -> (Int, Payload)? {
            guard position < data.endIndex else { return nil }
            let start = position
            let key = try varint()
            switch key & 7 {
            case 0: return (Int(key >> 3), .varint(try varint()))
            case 1: return (Int(key >> 3), .fixed64(littleEndian(try take(8, from: start))))
            case 2:
                let length = try varint()
                guard length <= UInt64(data.endIndex - position) else { throw failure(at: start, "a field of \(length) bytes cut short") }
                return (Int(key >> 3), .bytes(try take(Int(length), from: start)))
            case 5: return (Int(key >> 3), .fixed32(UInt32(littleEndian(try take(4, from: start)))))
            default: throw failure(at: start, "unknown wire type \(key & 7)")
            }
        }

        /// The next `count` bytes of the field that starts at `start`.
        mutating func take(_ count: Int, from start: Int) throws(Failure) -> ArraySlice<UInt8> {
            guard data.endIndex - position >= count else { throw failure(at: start, "a field cut short") }
            defer { position += count }
            return data[position..<position + count]
        }

        /// The next varint: seven bits a byte, least significant first, at most ten bytes.
        mutating func varint() throws(Failure) -> UInt64 {
            let start = position
            var value: UInt64 = 0
            for shift in stride(from: 0, to: 70, by: 7) {
                guard position < data.endIndex else { break }
                let byte = data[position]
                position += 1
                value |= UInt64(byte & 0x7F) << UInt64(shift)
                if byte < 0x80 { return value }
            }
            throw failure(at: start, "a varint cut short or longer than ten bytes")
        }

        func failure(at index: Int, _ problem: String) -> Failure {
            Failure(offset: index, problem: problem)
        }
    }
}
