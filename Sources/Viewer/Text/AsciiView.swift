import Environments

/// The terminal view of `chorus watch --ascii`: a scene's own text (MinAtar), a gridworld as characters,
/// other scenes as nothing (the caller prints a text summary of the state instead).
///
/// Gridworlds: `#` wall, `G` goal, `L` lava, `D` door, `K` key, `@` the agent (`&` while it holds the key), `.` floor.
public enum AsciiView {
    /// The scene's text, or the grid of a gridworld scene (y pointing down, unit cells), or nil for other scenes.
    public static func grid(of scene: Scene) -> String? {
        if let text = scene.text { return text.joined(separator: "\n") }
        guard scene.yDown, scene.bounds.width >= 1, scene.bounds.height >= 1 else { return nil }
        let width = Int(scene.bounds.width), height = Int(scene.bounds.height)
        var cells = Array(repeating: Array(repeating: Character("."), count: width), count: height)
        let symbols: [Color: Character] = Dictionary(
            uniqueKeysWithValues: Gridworld.colors.compactMap { channel, color in
                switch channel {
                case .wall: return (color, "#")
                case .goal: return (color, "G")
                case .lava: return (color, "L")
                case .door: return (color, "D")
                case .key: return (color, "K")
                case .agent: return (color, "@")
                }
            })
        func put(_ x: Double, _ y: Double, _ symbol: Character) {
            let c = Int(x), r = Int(y)
            guard r >= 0, r < height, c >= 0, c < width else { return }
            cells[r][c] = symbol
        }
        for shape in scene.shapes {
            switch shape {
            case .rectangle(let rect, let color):
                if let s = symbols[color] { put(rect.x, rect.y, s) }
            case .circle(let center, let radius, let color):
                guard let s = symbols[color] else { continue }
                // The small key circle drawn over the agent means the agent holds the key.
                if s == "K" && radius < 0.2 { put(center.x, center.y, "&") } else { put(center.x, center.y, s) }
            default:
                continue
            }
        }
        return cells.map { String($0) }.joined(separator: "\n")
    }
}
