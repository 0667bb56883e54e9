/// How `chorus watch` divides its window: the scene in one region and the HUD in a panel beside it (or below, in a
/// window taller than wide), so that the HUD never covers any of the scene.
public struct WatchLayout: Equatable, Sendable {
    /// A rectangle in window pixels, from its top-left corner.
    public struct Region: Equatable, Sendable {
        public var x: Int, y: Int, width: Int, height: Int

        public init(x: Int, y: Int, width: Int, height: Int) {
            (self.x, self.y, self.width, self.height) = (x, y, width, height)
        }

        /// True when the two regions share at least one pixel.
        public func overlaps(_ other: Region) -> Bool {
            x < other.x + other.width && other.x < x + width && y < other.y + other.height && other.y < y + height
        }

        /// True when every pixel of `other` is inside this region.
        public func contains(_ other: Region) -> Bool {
            other.x >= x && other.y >= y && other.x + other.width <= x + width && other.y + other.height <= y + height
        }
    }

    /// Where the scene is drawn (scaled to fit, aspect ratio kept, so it stays inside).
    public let scene: Region
    /// Where the HUD is drawn (clipped to it).
    public let panel: Region
    /// True when the panel is a strip below the scene rather than a column to its right.
    public let panelBelow: Bool

    /// The layout of a `width` × `height` window: a panel of about 30 % of the longer side (180–280 pixels, at most
    /// half the window) on the right, or along the bottom when the window is taller than wide.
    public init(width: Int, height: Int) {
        let width = max(width, 0), height = max(height, 0)
        panelBelow = height > width
        if panelBelow {
            let strip = min(max(height * 3 / 10, 150), 280, height / 2)
            scene = Region(x: 0, y: 0, width: width, height: height - strip)
            panel = Region(x: 0, y: height - strip, width: width, height: strip)
        } else {
            let column = min(max(width * 3 / 10, 180), 280, width / 2)
            scene = Region(x: 0, y: 0, width: width - column, height: height)
            panel = Region(x: width - column, y: 0, width: column, height: height)
        }
    }
}
