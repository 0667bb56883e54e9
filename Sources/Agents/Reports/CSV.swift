/// Comma-separated values as RFC 4180 writes them: a field holding a comma, a quote or a line break
/// is quoted, with its quotes doubled.
public enum CSV {
    /// One line of `fields` (no line break at the end).
    public static func row(_ fields: [String]) -> String {
        fields.map { field in
            field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: ",")
    }

    /// The fields of one line; nil when a quoted field is not closed (a line cut short).
    public static func fields(of line: Substring) -> [String]? {
        var fields: [String] = [], current = "", quoted = false, atFieldStart = true
        var characters = line.makeIterator()
        var pending: Character? = nil
        while let c = pending ?? characters.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let next = characters.next() {
                        if next == "\"" { current.append("\"") } else { quoted = false; pending = next }
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(c)
                }
            } else if c == "\"" && atFieldStart {
                quoted = true; atFieldStart = false
            } else if c == "," {
                fields.append(current); current = ""; atFieldStart = true
            } else {
                current.append(c); atFieldStart = false
            }
        }
        if quoted { return nil }
        fields.append(current)
        return fields
    }
}
