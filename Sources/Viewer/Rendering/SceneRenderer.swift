#if SDL
import CSDL2
import Environments
import Foundation

/// Draws a `Scene` with an SDL renderer into a viewport: world units scaled to fit, aspect ratio kept,
/// y flipped for physics scenes. Filled shapes go through `SDL_RenderGeometry` (triangle fans).
public enum SceneRenderer {
    /// Pixels per world unit and the pixel position of the world's top-left corner in `viewport`.
    static func layout(_ scene: Scene, viewport: SDL_Rect) -> (scale: Double, x: Double, y: Double) {
        let b = scene.bounds
        let scale = min(Double(viewport.w) / b.width, Double(viewport.h) / b.height)
        return (
            scale, Double(viewport.x) + (Double(viewport.w) - b.width * scale) / 2, Double(viewport.y) + (Double(viewport.h) - b.height * scale) / 2
        )
    }

    /// Where a world point lands in the viewport.
    public static func project(_ p: Scene.Point, scene: Scene, viewport: SDL_Rect) -> SDL_FPoint {
        let b = scene.bounds, (scale, ox, oy) = layout(scene, viewport: viewport)
        let y = scene.yDown ? p.y - b.y : b.y + b.height - p.y
        return SDL_FPoint(x: Float(ox + (p.x - b.x) * scale), y: Float(oy + y * scale))
    }

    public static func draw(_ scene: Scene, renderer: OpaquePointer, viewport: SDL_Rect) {
        let b = scene.bounds, (scale, ox, oy) = layout(scene, viewport: viewport)
        func map(_ p: Scene.Point) -> SDL_FPoint { project(p, scene: scene, viewport: viewport) }
        setColor(renderer, scene.background)
        var background = SDL_Rect(
            x: Int32(ox.rounded()), y: Int32(oy.rounded()), w: Int32((b.width * scale).rounded()), h: Int32((b.height * scale).rounded()))
        SDL_RenderFillRect(renderer, &background)
        for shape in scene.shapes {
            switch shape {
            case .rectangle(let r, let color):
                let a = map(.init(r.x, r.y)), c = map(.init(r.x + r.width, r.y + r.height))
                setColor(renderer, color)
                // Whole pixels (edges rounded the same way, so neighbouring cells tile exactly): the
                // software renderer fills integer rectangles directly, float ones as triangles.
                let x0 = Int32(min(a.x, c.x).rounded()), x1 = Int32(max(a.x, c.x).rounded())
                let y0 = Int32(min(a.y, c.y).rounded()), y1 = Int32(max(a.y, c.y).rounded())
                var rect = SDL_Rect(x: x0, y: y0, w: max(1, x1 - x0), h: max(1, y1 - y0))
                SDL_RenderFillRect(renderer, &rect)
            case .polygon(let points, let color):
                fill(renderer, points.map(map), color)
            case .circle(let center, let radius, let color):
                disc(renderer, center: map(center), radius: radius * scale, color)
            case .line(let from, let to, let width, let color):
                line(renderer, map(from), map(to), width: max(1, width * scale), color)
            case .polyline(let points, let width, let color):
                let mapped = points.map(map)
                for k in mapped.indices.dropLast() { line(renderer, mapped[k], mapped[k + 1], width: max(1, width * scale), color) }
            case .text:
                continue  // labels are drawn by the HUD's font, not here
            }
        }
    }

    /// Sets the draw colour, blending only translucent colours: an opaque fill then runs at memset
    /// speed in the software renderer instead of blending every pixel (which made frames 2–3× slower).
    static func setColor(_ renderer: OpaquePointer, _ c: Color) {
        SDL_SetRenderDrawColor(renderer, c.r, c.g, c.b, c.a)
        SDL_SetRenderDrawBlendMode(renderer, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND)
    }

    /// A convex polygon as a triangle fan around its first point.
    static func fill(_ renderer: OpaquePointer, _ points: [SDL_FPoint], _ c: Color) {
        guard points.count >= 3 else { return }
        let color = SDL_Color(r: c.r, g: c.g, b: c.b, a: c.a)
        setColor(renderer, c)  // the blend mode applies to untextured geometry too
        let vertices = points.map { SDL_Vertex(position: $0, color: color, tex_coord: SDL_FPoint(x: 0, y: 0)) }
        var indices: [Int32] = []
        for k in 1..<(points.count - 1) { indices += [0, Int32(k), Int32(k + 1)] }
        SDL_RenderGeometry(renderer, nil, vertices, Int32(vertices.count), indices, Int32(indices.count))
    }

    /// A filled disc as one integer rectangle per pixel row (the software renderer's fastest fill;
    /// its triangle rasteriser is several times slower for the same area).
    static func disc(_ renderer: OpaquePointer, center: SDL_FPoint, radius: Double, _ c: Color) {
        let cx = Double(center.x), cy = Double(center.y)
        let top = Int((cy - radius).rounded(.down)), bottom = Int((cy + radius).rounded(.up))
        var rows: [SDL_Rect] = []
        rows.reserveCapacity(max(0, bottom - top))
        for y in top..<max(top, bottom) {
            let dy = Double(y) + 0.5 - cy
            guard abs(dy) < radius else { continue }
            let half = (radius * radius - dy * dy).squareRoot()
            let x0 = Int32((cx - half).rounded()), x1 = Int32((cx + half).rounded())
            if x1 > x0 { rows.append(SDL_Rect(x: x0, y: Int32(y), w: x1 - x0, h: 1)) }
        }
        setColor(renderer, c)
        SDL_RenderFillRects(renderer, rows, Int32(rows.count))
    }

    /// A thick segment as a quad.
    static func line(_ renderer: OpaquePointer, _ a: SDL_FPoint, _ b: SDL_FPoint, width: Double, _ c: Color) {
        let dx = Double(b.x - a.x), dy = Double(b.y - a.y)
        let length = max((dx * dx + dy * dy).squareRoot(), 1e-9)
        let nx = Float(-dy / length * width / 2), ny = Float(dx / length * width / 2)
        fill(
            renderer,
            [
                SDL_FPoint(x: a.x + nx, y: a.y + ny), SDL_FPoint(x: b.x + nx, y: b.y + ny),
                SDL_FPoint(x: b.x - nx, y: b.y - ny), SDL_FPoint(x: a.x - nx, y: a.y - ny),
            ], c)
    }
}
#endif
