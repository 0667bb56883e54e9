/// One `tensorboard.Event` record: a file-version header or a summary of scalars, encoded as protobuf by hand.
///
/// The messages, from TensorBoard's `event.proto` and `summary.proto` (only the fields Chorus writes):
///
///     Event   { double wall_time = 1; int64 step = 2;
///               oneof what { string file_version = 3; Summary summary = 5; } }
///     Summary { repeated Value value = 1; }
///     Value   { string tag = 1; oneof value { float simple_value = 2; } }
///
/// Each field is a key varint `(field << 3) | wire type`, then its payload: wire type 0 a varint
/// (7 bits a byte, low first, high bit set on every byte but the last; a negative int64 is its
/// two's complement, ten bytes), 1 eight little-endian bytes (double), 5 four little-endian bytes
/// (float), 2 a varint length and that many bytes (strings and nested messages).
/// Proto3 omits a field outside a `oneof` that holds its zero value (`wall_time` whose bits are all
/// zero, `step` 0, an empty `tag`), and always writes the set `oneof` member, even `simple_value = 0`.
public struct TensorBoardEvent: Equatable, Sendable {
    /// One named scalar of a summary.
    public struct Value: Equatable, Sendable {
        public var tag: String
        public var simpleValue: Float

        public init(tag: String, simpleValue: Float) {
            self.tag = tag
            self.simpleValue = simpleValue
        }
    }

    /// What an event carries: the `oneof what` of `Event`.
    public enum Content: Equatable, Sendable {
        /// The header every event file opens with, `"brain.Event:2"`.
        case fileVersion(String)
        /// A `Summary` of scalar values.
        case summary([Value])
    }

    /// The file version TensorBoard's readers expect in the first record.
    public static let currentFileVersion = "brain.Event:2"

    /// Seconds since the Unix epoch.
    public var wallTime: Double
    public var step: Int64
    public var content: Content

    public init(wallTime: Double, step: Int64 = 0, content: Content) {
        self.wallTime = wallTime
        self.step = step
        self.content = content
    }

    /// The protobuf wire types Chorus writes.
    enum WireType: UInt8 {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5
    }

    /// The serialized `Event`, byte-identical to the official proto3 serializer.
    public var serialized: [UInt8] {
        var bytes: [UInt8] = []
        if wallTime.bitPattern != 0 {
            bytes.appendKey(field: 1, .fixed64)
            bytes.appendLittleEndian(wallTime.bitPattern)
        }
        if step != 0 {
            bytes.appendKey(field: 2, .varint)
            bytes.appendVarint(UInt64(bitPattern: step))
        }
        switch content {
        case .fileVersion(let version):
            bytes.appendLengthDelimited(field: 3, Array(version.utf8))
        case .summary(let values):
            bytes.appendLengthDelimited(
                field: 5,
                values.flatMap { value in
                    var encoded: [UInt8] = []
                    encoded.appendLengthDelimited(field: 1, value.serialized)
                    return encoded
                })
        }
        return bytes
    }
}

extension TensorBoardEvent.Value {
    /// The serialized `Summary.Value`.
    var serialized: [UInt8] {
        var bytes: [UInt8] = []
        if !tag.isEmpty { bytes.appendLengthDelimited(field: 1, Array(tag.utf8)) }
        bytes.appendKey(field: 2, .fixed32)
        bytes.appendLittleEndian(simpleValue.bitPattern)
        return bytes
    }
}

extension [UInt8] {
    /// Appends `value` as a protobuf varint: seven bits a byte, least significant first.
    mutating func appendVarint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        append(UInt8(rest))
    }

    /// Appends a field key, `(field << 3) | wire type`.
    mutating func appendKey(field: UInt64, _ wireType: TensorBoardEvent.WireType) {
        appendVarint(field << 3 | UInt64(wireType.rawValue))
    }

    /// Appends `value`'s bytes, least significant first.
    mutating func appendLittleEndian<Word: FixedWidthInteger>(_ value: Word) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    /// Appends a length-delimited field: its key, the payload's length as a varint, then the payload.
    mutating func appendLengthDelimited(field: UInt64, _ payload: [UInt8]) {
        appendKey(field: field, .lengthDelimited)
        appendVarint(UInt64(payload.count))
        append(contentsOf: payload)
    }
}
