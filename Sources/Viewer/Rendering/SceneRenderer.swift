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
        return (scale, Double(viewport.x) + (Double(viewport.w) - b.width * scale) / 2, Double(viewport.y) + (Double(viewport.h) - b.height * scale) / 2)
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
        var background = SDL_Rect(x: Int32(ox.rounded()), y: Int32(oy.rounded()), w: Int32((b.width * scale).rounded()), h: Int32((b.height * scale).rounded()))
        SDL_RenderFillRect(renderer, &background)
        for shape in scene.shapes {
            switch shape {
            case .rectangle(let r, let color):
                let a = map(.init(r.x, r.y)), c = map(.init(r.x + r.width, r.y + r.height))
                setColor(renderer, color)
                var rect = SDL_FRect(x: min(a.x, c.x), y: min(a.y, c.y), w: abs(c.x - a.x), h: abs(c.y - a.y))
                SDL_RenderFillRectF(renderer, &rect)
            case .polygon(let points, let color):
                fill(renderer, points.map(map), color)
            case .circle(let center, let radius, let color):
                let points = (0..<32).map { k -> Scene.Point in
                    let t = Double(k) / 32 * 2 * Double.pi
                    return .init(center.x + radius * cos(t), center.y + radius * sin(t))
                }
                fill(renderer, points.map(map), color)
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

    static func setColor(_ renderer: OpaquePointer, _ c: Color) {
        SDL_SetRenderDrawColor(renderer, c.r, c.g, c.b, c.a)
    }

    /// A convex polygon as a triangle fan around its first point.
    static func fill(_ renderer: OpaquePointer, _ points: [SDL_FPoint], _ c: Color) {
        guard points.count >= 3 else { return }
        let color = SDL_Color(r: c.r, g: c.g, b: c.b, a: c.a)
        let vertices = points.map { SDL_Vertex(position: $0, color: color, tex_coord: SDL_FPoint(x: 0, y: 0)) }
        var indices: [Int32] = []
        for k in 1..<(points.count - 1) { indices += [0, Int32(k), Int32(k + 1)] }
        SDL_RenderGeometry(renderer, nil, vertices, Int32(vertices.count), indices, Int32(indices.count))
    }

    /// A thick segment as a quad.
    static func line(_ renderer: OpaquePointer, _ a: SDL_FPoint, _ b: SDL_FPoint, width: Double, _ c: Color) {
        let dx = Double(b.x - a.x), dy = Double(b.y - a.y)
        let length = max((dx * dx + dy * dy).squareRoot(), 1e-9)
        let nx = Float(-dy / length * width / 2), ny = Float(dx / length * width / 2)
        fill(renderer, [SDL_FPoint(x: a.x + nx, y: a.y + ny), SDL_FPoint(x: b.x + nx, y: b.y + ny),
                        SDL_FPoint(x: b.x - nx, y: b.y - ny), SDL_FPoint(x: a.x - nx, y: a.y - ny)], c)
    }
}
#endif
