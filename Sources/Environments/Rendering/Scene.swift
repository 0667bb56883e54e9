/// A description of what to draw for one environment state, in world units, so that environments never import SDL.
///
/// The viewer maps `bounds` onto the window (keeping the aspect ratio, y pointing up unless `yDown`)
/// and draws `shapes` in order.
public struct Scene: Sendable {
    /// The world rectangle to show.
    public var bounds: Rect
    /// True when y grows downwards (grid rows), false for physics coordinates (y up).
    public var yDown: Bool
    public var background: Color
    public var shapes: [Shape]
    /// For grid games, the same picture as text for `watch --ascii`: one string per row, one character per cell.
    public var text: [String]?

    public init(bounds: Rect, yDown: Bool = false, background: Color = .white, shapes: [Shape] = [], text: [String]? = nil) {
        self.bounds = bounds
        self.yDown = yDown
        self.background = background
        self.shapes = shapes
        self.text = text
    }

    /// A point in world units.
    public struct Point: Equatable, Sendable {
        public var x: Double
        public var y: Double
        public init(_ x: Double, _ y: Double) { self.x = x; self.y = y }
    }

    /// An axis-aligned rectangle in world units.
    public struct Rect: Equatable, Sendable {
        public var x: Double, y: Double, width: Double, height: Double
        public init(x: Double, y: Double, width: Double, height: Double) {
            self.x = x; self.y = y; self.width = width; self.height = height
        }
    }

    /// One thing to draw.
    public enum Shape: Equatable, Sendable {
        case rectangle(Rect, Color)
        case polygon([Point], Color)
        case circle(center: Point, radius: Double, Color)
        case line(from: Point, to: Point, width: Double, Color)
        case polyline([Point], width: Double, Color)
        /// A short label anchored at a point (drawn by viewers that have fonts).
        case text(String, at: Point, Color)
    }
}

/// An RGBA colour.
public struct Color: Equatable, Hashable, Sendable {
    public var r: UInt8, g: UInt8, b: UInt8, a: UInt8
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8, _ a: UInt8 = 255) {
        self.r = r; self.g = g; self.b = b; self.a = a
    }
    public static let white = Color(255, 255, 255)
    public static let black = Color(0, 0, 0)
}
