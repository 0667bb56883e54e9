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

    /// Opens the canvas. Without `headless`, a display is required: with none, the error suggests
    /// `--headless --record`.
    public init(width: Int, height: Int, title: String, headless: Bool) throws(ChorusError) {
        if headless {
            setenv("SDL_VIDEODRIVER", "offscreen", 1)
        } else if ProcessInfo.processInfo.environment["DISPLAY"]?.isEmpty ?? true,
                  ProcessInfo.processInfo.environment["WAYLAND_DISPLAY"]?.isEmpty ?? true,
                  ProcessInfo.processInfo.environment["SDL_VIDEODRIVER"]?.isEmpty ?? true {
            throw ChorusError(file: "chorus watch", problem: "no display found (DISPLAY is not set); use --headless --record episodes.gif to record without one")
        }
        guard SDL_Init(SDL_INIT_VIDEO) == 0 else {
            throw ChorusError(file: "chorus watch", problem: "cannot start SDL video: \(String(cString: SDL_GetError())); try --headless --record episodes.gif")
        }
        if headless {
            guard let s = SDL_CreateRGBSurfaceWithFormat(0, Int32(width), Int32(height), 32, SDL_PIXELFORMAT_RGBA32.rawValue),
                  let r = SDL_CreateSoftwareRenderer(s) else {
                throw ChorusError(file: "chorus watch", problem: "cannot create an offscreen renderer: \(String(cString: SDL_GetError()))")
            }
            surface = s; renderer = r; window = nil
        } else {
            guard let w = SDL_CreateWindow(title, CSDL2_WindowPosCentered(), CSDL2_WindowPosCentered(), Int32(width), Int32(height),
                                           SDL_WINDOW_SHOWN.rawValue | SDL_WINDOW_RESIZABLE.rawValue),
                  let r = SDL_CreateRenderer(w, -1, SDL_RENDERER_SOFTWARE.rawValue) else {
                throw ChorusError(file: "chorus watch", problem: "cannot open a window: \(String(cString: SDL_GetError())); try --headless --record episodes.gif")
            }
            window = w; renderer = r; surface = nil
        }
        SDL_SetRenderDrawBlendMode(renderer, SDL_BLENDMODE_BLEND)
        if TTF_Init() == 0 {
            for path in ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans.ttf"]
            where FileManager.default.fileExists(atPath: path) {
                font = TTF_OpenFont(path, 13)
                break
            }
        }
    }

    deinit {
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
    @discardableResult
    public func text(_ text: String, x: Int, y: Int, color: Color = .white) -> Int {
        guard let font, !text.isEmpty,
              let s = TTF_RenderUTF8_Blended(font, text, SDL_Color(r: color.r, g: color.g, b: color.b, a: color.a)) else { return 0 }
        defer { SDL_FreeSurface(s) }
        guard let texture = SDL_CreateTextureFromSurface(renderer, s) else { return 0 }
        defer { SDL_DestroyTexture(texture) }
        var destination = SDL_Rect(x: Int32(x), y: Int32(y), w: s.pointee.w, h: s.pointee.h)
        SDL_RenderCopy(renderer, texture, nil, &destination)
        return Int(s.pointee.h)
    }

    /// A filled rectangle in pixels.
    public func fill(x: Int, y: Int, width: Int, height: Int, color: Color) {
        SDL_SetRenderDrawColor(renderer, color.r, color.g, color.b, color.a)
        var rect = SDL_Rect(x: Int32(x), y: Int32(y), w: Int32(width), h: Int32(height))
        SDL_RenderFillRect(renderer, &rect)
    }

    public func clear(_ color: Color) {
        SDL_SetRenderDrawColor(renderer, color.r, color.g, color.b, color.a)
        SDL_RenderClear(renderer)
    }

    /// The current frame as RGBA bytes, rows top to bottom.
    public func pixels() -> [UInt8] {
        let (w, h) = size
        var bytes = [UInt8](repeating: 0, count: w * h * 4)
        bytes.withUnsafeMutableBytes { _ = SDL_RenderReadPixels(renderer, nil, SDL_PIXELFORMAT_RGBA32.rawValue, $0.baseAddress, Int32(w * 4)) }
        return bytes
    }

    /// Shows the frame (windows only).
    public func present() { if window != nil { SDL_RenderPresent(renderer) } }
}
#endif
