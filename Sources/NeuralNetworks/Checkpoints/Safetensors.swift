import Foundation

/// A set of named tensors in the safetensors format (readable by Python's `safetensors`, NumPy and PyTorch).
///
/// Layout: 8-byte little-endian header length N, N bytes of JSON header
/// (`{"__metadata__": {str: str}, name: {"dtype", "shape", "data_offsets": [begin, end]}}`, padded with
/// spaces to a multiple of 8), then the raw little-endian data. Writing is atomic (temporary file and
/// rename); reading validates every field and never traps on a corrupt file.
public struct Safetensors: Equatable, Sendable {
    /// The element types Chorus writes.
    public enum DType: String, Sendable, CaseIterable {
        case f32 = "F32", f64 = "F64", u64 = "U64", i64 = "I64"
        public var size: Int { self == .f32 ? 4 : 8 }
    }

    /// One tensor: its type, shape and raw little-endian bytes.
    public struct Entry: Equatable, Sendable {
        public var dtype: DType
        public var shape: [Int]
        public var bytes: [UInt8]

        public init(dtype: DType, shape: [Int], bytes: [UInt8]) {
            self.dtype = dtype
            self.shape = shape
            self.bytes = bytes
        }
    }

    public var entries: [String: Entry] = [:]
    /// Free-form string metadata (format version, configuration, step counter, …).
    public var metadata: [String: String] = [:]

    public init() {}

    // MARK: Typed access

    /// Stores a Float matrix as `F32` with shape `[rows, columns]`.
    public mutating func set(_ name: String, _ tensor: Tensor) {
        entries[name] = Entry(dtype: .f32, shape: [tensor.rows, tensor.columns], bytes: Self.bytes(of: tensor.storage))
    }

    /// Stores Doubles as `F64` with shape `[count]`.
    public mutating func set(_ name: String, doubles: [Double]) {
        entries[name] = Entry(dtype: .f64, shape: [doubles.count], bytes: Self.bytes(of: doubles))
    }

    /// Stores unsigned 64-bit words as `U64` with shape `[count]`.
    public mutating func set(_ name: String, words: [UInt64]) {
        entries[name] = Entry(dtype: .u64, shape: [words.count], bytes: Self.bytes(of: words))
    }

    /// The `F32` tensor `name` as a matrix (1-D tensors become one row); nil when absent or of another type.
    public func tensor(_ name: String) -> Tensor? {
        guard let e = entries[name], e.dtype == .f32, e.shape.count <= 2 else { return nil }
        let values: [Float] = Self.values(of: e.bytes)
        switch e.shape.count {
        case 2: return Tensor(rows: e.shape[0], columns: e.shape[1], values: values)
        case 1: return Tensor(rows: 1, columns: e.shape[0], values: values)
        default: return Tensor(rows: 1, columns: 1, values: values)
        }
    }

    public func doubles(_ name: String) -> [Double]? {
        guard let e = entries[name], e.dtype == .f64 else { return nil }
        return Self.values(of: e.bytes)
    }

    public func words(_ name: String) -> [UInt64]? {
        guard let e = entries[name], e.dtype == .u64 else { return nil }
        return Self.values(of: e.bytes)
    }

    /// Every `F32` tensor whose name starts with `prefix`, keyed by the rest of the name.
    public func tensors(withPrefix prefix: String) -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for name in entries.keys where name.hasPrefix(prefix) {
            if let t = tensor(name) { out[String(name.dropFirst(prefix.count))] = t }
        }
        return out
    }

    static func bytes<T>(of values: [T]) -> [UInt8] {
        values.withUnsafeBytes { Array($0) }  // every supported platform is little-endian
    }

    static func values<T>(of bytes: [UInt8]) -> [T] {
        let n = bytes.count / MemoryLayout<T>.stride
        guard n > 0 else { return [] }
        return [T](unsafeUninitializedCapacity: n) { buffer, count in
            bytes.withUnsafeBytes { raw in
                _ = memcpy(buffer.baseAddress!, raw.baseAddress!, n * MemoryLayout<T>.stride)
            }
            count = n
        }
    }

    // MARK: Encoding

    /// The file's bytes: header length, JSON header, data (tensors in name order).
    public func encoded() -> [UInt8] {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var data: [UInt8] = []
        for name in entries.keys.sorted() {
            let e = entries[name]!
            header[name] = ["dtype": e.dtype.rawValue, "shape": e.shape, "data_offsets": [data.count, data.count + e.bytes.count]] as [String: Any]
            data += e.bytes
        }
        var json = (try? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])).map { [UInt8]($0) } ?? Array("{}".utf8)
        while (8 + json.count) % 8 != 0 { json.append(0x20) }
        var out: [UInt8] = []
        out.reserveCapacity(8 + json.count + data.count)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out += $0 }
        out += json
        out += data
        return out
    }

    /// Writes to `url` atomically: a temporary file in the same folder, flushed to disk, then a rename.
    public func write(to url: URL) throws(CheckpointError) {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        do {
            try Data(encoded()).write(to: temporary)
            let descriptor = open(temporary.path, O_RDONLY | O_CLOEXEC)
            let synced = descriptor >= 0 && fsync(descriptor) == 0
            if descriptor >= 0 { close(descriptor) }
            guard synced else {
                throw CheckpointError(file: url.path, problem: "cannot write the checkpoint: flushing it to disk failed (errno \(errno))")
            }
            // POSIX rename replaces an existing file atomically (Foundation's replaceItemAt does not on Linux).
            guard rename(temporary.path, url.path) == 0 else {
                throw CheckpointError(file: url.path, problem: "cannot write the checkpoint: rename failed (errno \(errno))")
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw CheckpointError(file: url.path, problem: "cannot write the checkpoint: \(error.localizedDescription)")
        }
    }

    // MARK: Decoding

    /// Reads and validates the file at `url`.
    public static func read(from url: URL) throws(CheckpointError) -> Safetensors {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw CheckpointError(file: url.path, problem: "cannot read the checkpoint: \(error.localizedDescription)")
        }
        do { return try decode([UInt8](data)) } catch { throw error.inFile(url.path) }
    }

    /// Parses and validates the bytes of a safetensors file.
    public static func decode(_ bytes: [UInt8]) throws(CheckpointError) -> Safetensors {
        func fail(_ problem: String) -> CheckpointError { CheckpointError(problem: "not a valid safetensors file: \(problem)") }
        guard bytes.count >= 8 else { throw fail("\(bytes.count) bytes, too short for the 8-byte header length") }
        var length: UInt64 = 0
        for i in 0..<8 { length |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard length >= 2, length <= UInt64(bytes.count - 8), length <= 100_000_000 else {
            throw fail("the header length \(length) does not fit the file size \(bytes.count)")
        }
        let headerEnd = 8 + Int(length)
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: Data(bytes[8..<headerEnd])) } catch {
            throw fail("the header is not valid JSON")
        }
        guard let header = object as? [String: Any] else { throw fail("the header is not a JSON object") }
        let dataSize = bytes.count - headerEnd
        var file = Safetensors()
        var ranges: [(Int, Int, String)] = []
        for (name, value) in header {
            if name == "__metadata__" {
                guard let meta = value as? [String: Any] else { throw fail("__metadata__ is not an object") }
                for (k, v) in meta {
                    guard let s = v as? String else { throw fail("metadata '\(k)' is not a string") }
                    file.metadata[k] = s
                }
                continue
            }
            guard let info = value as? [String: Any],
                let dtypeName = info["dtype"] as? String,
                let shapeValues = info["shape"] as? [Any],
                let offsetValues = info["data_offsets"] as? [Any], offsetValues.count == 2
            else { throw fail("tensor '\(name)' lacks dtype, shape or data_offsets") }
            guard let dtype = DType(rawValue: dtypeName) else {
                throw fail(
                    "tensor '\(name)' has unsupported dtype \(dtypeName) (Chorus reads \(DType.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let shape = try shapeValues.map { v throws(CheckpointError) -> Int in
                guard let n = Self.integer(v), n >= 0, n < 1 << 31 else { throw fail("tensor '\(name)' has an invalid shape") }
                return n
            }
            guard let begin = Self.integer(offsetValues[0]), let end = Self.integer(offsetValues[1]),
                begin >= 0, begin <= end, end <= dataSize
            else {
                throw fail("tensor '\(name)' has data offsets outside the \(dataSize) data bytes")
            }
            let (elements, overflow) = shape.reduce((1, false)) { acc, n in
                let (p, o) = acc.0.multipliedReportingOverflow(by: n); return (p, acc.1 || o)
            }
            let (byteCount, byteOverflow) = elements.multipliedReportingOverflow(by: dtype.size)
            guard !overflow, !byteOverflow, byteCount == end - begin else {
                throw fail("tensor '\(name)' has \(end - begin) bytes for shape \(shape) of \(dtype.rawValue)")
            }
            ranges.append((begin, end, name))
            file.entries[name] = Entry(dtype: dtype, shape: shape, bytes: Array(bytes[(headerEnd + begin)..<(headerEnd + end)]))
        }
        ranges.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        for i in ranges.indices.dropFirst() where ranges[i].0 < ranges[i - 1].1 {
            throw fail("tensors '\(ranges[i - 1].2)' and '\(ranges[i].2)' overlap")
        }
        return file
    }

    private static func integer(_ value: Any) -> Int? {
        if let n = value as? Int { return n }
        if let d = value as? Double, d == d.rounded(), abs(d) < 1e15 { return Int(d) }
        return nil
    }
}
