import CZlib
import Foundation

/// A gzip-compressed file read through zlib (Foundation on Linux has no gzip), whole or as JSON Lines.
public struct GzipFile {
    public let url: URL

    public init(_ url: URL) { self.url = url }

    /// The uncompressed bytes.
    public func contents() throws -> Data {
        guard let file = gzopen(url.path, "rb") else { throw GzipError(url: url, problem: "cannot open") }
        defer { gzclose(file) }
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let read = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
            if read < 0 { throw GzipError(url: url, problem: "corrupt gzip data") }
            if read == 0 { break }
            data.append(contentsOf: chunk[0..<Int(read)])
        }
        return data
    }

    /// The non-empty lines of the uncompressed text, each as bytes (one JSON document per line).
    public func lines() throws -> [Data] {
        let data = try contents()
        return data.split(separator: UInt8(ascii: "\n")).filter { !$0.isEmpty }.map { Data($0) }
    }

    /// Each line decoded as `T`.
    public func decodeLines<T: Decodable>(_ type: T.Type) throws -> [T] {
        let decoder = JSONDecoder()
        return try lines().map { try decoder.decode(T.self, from: $0) }
    }
}

/// A gzip file that could not be read.
public struct GzipError: Error, CustomStringConvertible {
    public var url: URL
    public var problem: String
    public var description: String { "\(url.lastPathComponent): \(problem)" }
}
