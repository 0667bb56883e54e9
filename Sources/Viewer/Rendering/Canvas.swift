#if SDL
import CSDL2
import CSDL2TTF
import Environments
import Foundation

/// Where frames are drawn: a resizable SDL window, or (headless) an offscreen surface with a software
/// renderer. Either way `pixels()` reads the last frame back as RGBA for recording and tests.
public final class Canvas {
    public let renderer: OpaquePointer
    private let window: OpaquePointer?
    private let surface: UnsafeMutablePointer<SDL_Surface>?
    private var font: OpaquePointer?
    /// Rasterised characters by (scalar, colour).
    private var glyphs: [UInt64: Glyph] = [:]
    private struct Glyph { let texture: OpaquePointer; let width: Int32; let height: Int32 }

    /// Opens the canvas. Without `headless`, a display is required: with none, the error suggests
    /// `--headless --record`.
    public init(width: Int, height: Int, title: String, headless: Bool) throws(ChorusError) {
        if headless {
            setenv("SDL_VIDEODRIVER", "offscreen", 1)
        } else if ProcessInfo.processInfo.environment["DISPLAY"]?.isEmpty ?? true,
            ProcessInfo.processInfo.environment["WAYLAND_DISPLAY"]?.isEmpty ?? true,
            ProcessInfo.processInfo.environment["SDL_VIDEODRIVER"]?.isEmpty ?? true
        {
            throw ChorusError(
                file: "chorus watch", problem: "no display found (DISPLAY is not set); use --headless --record episodes.gif to record without one")
        }
        guard SDL_Init(SDL_INIT_VIDEO) == 0 else {
            throw ChorusError(
                file: "chorus watch", problem: "cannot start SDL video: \(String(cString: SDL_GetError())); try --headless --record episodes.gif")
        }
        if headless {
            guard let s = SDL_CreateRGBSurfaceWithFormat(0, Int32(width), Int32(height), 32, SDL_PIXELFORMAT_RGBA32.rawValue),
                let r = SDL_CreateSoftwareRenderer(s)
            else {
                throw ChorusError(file: "chorus watch", problem: "cannot create an offscreen renderer: \(String(cString: SDL_GetError()))")
            }
            surface = s; renderer = r; window = nil
        } else {
            guard
                let w = SDL_CreateWindow(
                    title, CSDL2_WindowPosCentered(), CSDL2_WindowPosCentered(), Int32(width), Int32(height),
                    SDL_WINDOW_SHOWN.rawValue | SDL_WINDOW_RESIZABLE.rawValue),
                let r = SDL_CreateRenderer(w, -1, SDL_RENDERER_SOFTWARE.rawValue)
            else {
                throw ChorusError(
                    file: "chorus watch", problem: "cannot open a window: \(String(cString: SDL_GetError())); try --headless --record episodes.gif")
            }
            window = w; renderer = r; surface = nil
        }
        if TTF_Init() == 0 {
            for path in ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans.ttf"]
            where FileManager.default.fileExists(atPath: path) {
                font = TTF_OpenFont(path, 13)
                break
            }
        }
    }

    deinit {
        for glyph in glyphs.values { SDL_DestroyTexture(glyph.texture) }
        if let font { TTF_CloseFont(font) }
        SDL_DestroyRenderer(renderer)
        if let window { SDL_DestroyWindow(window) }
        if let surface { SDL_FreeSurface(surface) }
    }

    /// The drawable size in pixels (follows window resizes).
    public var size: (width: Int, height: Int) {
        var w: Int32 = 0, h: Int32 = 0
        SDL_GetRendererOutputSize(renderer, &w, &h)
        return (Int(w), Int(h))
    }

    public var hasFont: Bool { font != nil }

    /// Draws `text` with its top-left corner at (x, y); returns the text's height (0 without a font).
    ///
    /// Each character is rasterised once per colour and kept as a texture, so a HUD that changes every
    /// frame costs texture copies, not font rendering (glyphs are placed by their advance, without kerning).
    @discardableResult
    public func text(_ text: String, x: Int, y: Int, color: Color = .white) -> Int {
        guard font != nil, !text.isEmpty else { return 0 }
        var cursor = Int32(x), height: Int32 = 0
        for scalar in text.unicodeScalars {
            guard let glyph = glyph(scalar, color: color) else { continue }
            var destination = SDL_Rect(x: cursor, y: Int32(y), w: glyph.width, h: glyph.height)
            SDL_RenderCopy(renderer, glyph.texture, nil, &destination)
            cursor += glyph.width
            height = max(height, glyph.height)
        }
        return Int(height)
    }

    /// The width in pixels of `text` as `text(_:x:y:color:)` draws it (0 without a font).
    public func textWidth(_ text: String) -> Int {
        guard font != nil else { return 0 }
        return text.unicodeScalars.reduce(0) { $0 + Int(glyph($1, color: .white)?.width ?? 0) }
    }

    /// Restricts drawing to `region` until the next call; nil draws on the whole canvas again.
    public func clip(to region: WatchLayout.Region?) {
        if let region {
            var rect = SDL_Rect(x: Int32(region.x), y: Int32(region.y), w: Int32(region.width), h: Int32(region.height))
            SDL_RenderSetClipRect(renderer, &rect)
        } else {
            SDL_RenderSetClipRect(renderer, nil)
        }
    }

    /// A rasterised character of one colour, made on first use.
    private func glyph(_ scalar: Unicode.Scalar, color: Color) -> Glyph? {
        let key = UInt64(scalar.value) << 32 | UInt64(color.r) << 24 | UInt64(color.g) << 16 | UInt64(color.b) << 8 | UInt64(color.a)
        if let cached = glyphs[key] { return cached }
        guard let font, let surface = TTF_RenderGlyph32_Blended(font, scalar.value, SDL_Color(r: color.r, g: color.g, b: color.b, a: color.a)) else {
            return nil
        }
        defer { SDL_FreeSurface(surface) }
        guard let texture = SDL_CreateTextureFromSurface(renderer, surface) else { return nil }
        let glyph = Glyph(texture: texture, width: surface.pointee.w, height: surface.pointee.h)
        glyphs[key] = glyph
        return glyph
    }

    /// A filled rectangle in pixels.
    public func fill(x: Int, y: Int, width: Int, height: Int, color: Color) {
        SceneRenderer.setColor(renderer, color)
        var rect = SDL_Rect(x: Int32(x), y: Int32(y), w: Int32(width), h: Int32(height))
        SDL_RenderFillRect(renderer, &rect)
    }

    public func clear(_ color: Color) {
        SceneRenderer.setColor(renderer, color)
        SDL_RenderClear(renderer)
    }

    /// The current frame as RGBA bytes, rows top to bottom.
    public func pixels() -> [UInt8] {
        let (w, h) = size
        var bytes = [UInt8](repeating: 0, count: w * h * 4)
        bytes.withUnsafeMutableBytes { _ = SDL_RenderReadPixels(renderer, nil, SDL_PIXELFORMAT_RGBA32.rawValue, $0.baseAddress, Int32(w * 4)) }
        return bytes
    }

    /// Stops the user from resizing the window (a GIF's frames must all have its size).
    public func fixSize() { if let window { SDL_SetWindowResizable(window, SDL_FALSE) } }

    /// Shows the frame (windows only).
    public func present() { if window != nil { SDL_RenderPresent(renderer) } }
}
#endif
