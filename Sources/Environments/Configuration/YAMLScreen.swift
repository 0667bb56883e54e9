/// Looks at YAML text before it is composed and refuses what a configuration file never needs and an
/// attacker could use: anchors and aliases (an alias bomb expands exponentially while being composed,
/// before any key is checked), nesting deeper than `maximumDepth`, and files over `maximumBytes`.
///
/// It scans characters, skipping quoted scalars and comments, and looks for `&` or `*` where a node may
/// start (the start of a line, after `- `, `? `, `: `, `[`, `{` or `,`). A `*` inside a plain scalar
/// (`a * b`) is text, not an alias, and passes.
enum YAMLScreen {
    static let maximumBytes = 1 << 20
    static let maximumDepth = 64

    /// A reason to refuse `text`, with the line and column it was found at (1-based).
    struct Finding: Equatable {
        var line: Int
        var column: Int
        var problem: String
    }

    static func check(_ text: String) -> Finding? {
        let bytes = Array(text.utf8)
        if bytes.count > maximumBytes {
            return Finding(line: 1, column: 1, problem: "the file has \(bytes.count) bytes; a configuration file is at most \(maximumBytes)")
        }
        var line = 1, lineStart = 0
        var index = 0
        var nodeMayStart = true
        var flowDepth = 0
        var indicatorsOnLine = 0
        var inIndentation = true
        func isBlank(_ i: Int) -> Bool { i >= bytes.count || bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D }
        while index < bytes.count {
            let c = bytes[index]
            switch c {
            case 0x0A:  // newline
                line += 1; lineStart = index + 1; nodeMayStart = true; indicatorsOnLine = 0; inIndentation = true
            case 0x20, 0x09, 0x0D:
                break
            case 0x23 where index == lineStart || isBlank(index - 1):  // '#' comment
                while index < bytes.count && bytes[index] != 0x0A { index += 1 }
                continue
            case 0x27 where nodeMayStart, 0x22 where nodeMayStart:  // quoted scalar
                let quote = c
                index += 1
                while index < bytes.count {
                    if bytes[index] == 0x0A { line += 1; lineStart = index + 1 }
                    if quote == 0x22 && bytes[index] == 0x5C { index += 2; continue }
                    if bytes[index] == quote {
                        if quote == 0x27 && index + 1 < bytes.count && bytes[index + 1] == 0x27 { index += 2; continue }
                        break
                    }
                    index += 1
                }
                nodeMayStart = false
            case 0x26 where nodeMayStart && !isBlank(index + 1), 0x2A where nodeMayStart && !isBlank(index + 1):
                let kind = c == 0x26 ? "an anchor (&)" : "an alias (*)"
                return Finding(
                    line: line, column: index - lineStart + 1,
                    problem: "\(kind): Chorus configuration files do not use YAML anchors or aliases; write the values out")
            case 0x5B, 0x7B:  // '[' '{'
                flowDepth += 1
                nodeMayStart = true
            case 0x5D, 0x7D:
                flowDepth = max(0, flowDepth - 1)
                nodeMayStart = false
            case 0x2C:
                nodeMayStart = true
            case 0x2D where nodeMayStart && isBlank(index + 1), 0x3F where nodeMayStart && isBlank(index + 1):
                indicatorsOnLine += 1
                nodeMayStart = true
            case 0x3A where isBlank(index + 1) || flowDepth > 0:
                indicatorsOnLine += 1
                nodeMayStart = true
            default:
                nodeMayStart = false
            }
            if c != 0x20 && c != 0x0A { inIndentation = false }
            let indentedTooFar = inIndentation && index - lineStart > 4 * maximumDepth
            if flowDepth + indicatorsOnLine > maximumDepth || indentedTooFar {
                return Finding(line: line, column: index - lineStart + 1, problem: "nesting deeper than \(maximumDepth) levels")
            }
            index += 1
        }
        return nil
    }
}
