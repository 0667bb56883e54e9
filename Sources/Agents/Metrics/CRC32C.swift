/// The Castagnoli CRC-32C that frames TFRecord files, and the mask TFRecord applies to it.
///
/// CRC-32C (RFC 3720, §B.4) is the reflected CRC with polynomial 0x1EDC6F41, reversed 0x82F63B78:
///
///     c ← 0xFFFFFFFF
///     for each byte b:  c ← table[(c ⊕ b) & 0xFF] ⊕ (c >> 8)
///     crc32c ← c ⊕ 0xFFFFFFFF
///
/// where `table[n]` is `n` shifted right eight times, XOR-ing 0x82F63B78 after each shift that drops a 1.
/// Check value: `crc32c("123456789") = 0xE3069283`.
///
/// TFRecord stores `masked(c) = ((c >> 15) | (c << 17)) + 0xA282EAD8 (mod 2³²)`, so that a CRC stored
/// inside the data it covers does not make a trivial checksum.
public enum CRC32C {
    /// The reflected Castagnoli polynomial.
    public static let polynomial: UInt32 = 0x82F6_3B78

    /// The constant TFRecord adds to the rotated CRC.
    public static let maskDelta: UInt32 = 0xA282_EAD8

    /// The CRC of every byte value, one entry per value.
    static let table: [UInt32] = (0...255).map { (byte: UInt32) in
        (0..<8).reduce(byte) { c, _ in c & 1 == 1 ? (c >> 1) ^ polynomial : c >> 1 }
    }

    /// The CRC-32C of `bytes`.
    public static func checksum<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt32 {
        ~bytes.reduce(~UInt32(0)) { c, byte in table[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
    }

    /// The TFRecord mask of a CRC: `((c >> 15) | (c << 17)) + 0xA282EAD8`.
    public static func masked(_ crc: UInt32) -> UInt32 {
        ((crc >> 15) | (crc << 17)) &+ maskDelta
    }

    /// The masked CRC-32C of `bytes`, as a TFRecord stores it.
    public static func maskedChecksum<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt32 {
        masked(checksum(bytes))
    }
}
