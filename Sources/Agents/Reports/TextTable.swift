/// Fixed-width text columns for the tables `chorus` prints.
enum TextTable {
    /// `text` padded with spaces on the right to `width` (a name column).
    static func leftAligned(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    /// `text` padded with spaces on the left to `width` (a number column).
    static func rightAligned(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
