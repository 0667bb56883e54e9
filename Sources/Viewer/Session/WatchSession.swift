#if SDL
import CSDL2
import Agents
import CSDL2Image
import Environments
import Foundation

/// The `chorus watch` loop: drain events, act, step, draw the scene and the HUD, record, pace.
///
/// Keys: space pause, → one step while paused, `n` next task, `r` restart the episode, `+`/`−` speed,
/// `q`/Esc quit; with `--manual` the arrow keys act instead (one step per key press). The event queue
/// is drained every frame, also while paused, so the window never freezes.
public final class WatchSession {
    public let target: WatchTarget
    public let canvas: Canvas
    public private(set) var paused = false
    public private(set) var speed = 1.0
    public private(set) var quit = false
    private var stepOnce = false
    private var pendingManual: [Float]?
    private var gif: GIFRecorder?
    private var pngFolder: URL?
    public private(set) var recordedFrames = 0

    public init(target: WatchTarget) throws(ChorusError) {
        self.target = target
        let o = target.options
        canvas = try Canvas(width: o.width, height: o.height, title: "chorus watch — \(target.task.name)", headless: o.headless)
        if let path = o.recordPath {
            let url = URL(fileURLWithPath: path)
            if url.pathExtension.lowercased() == "gif" {
                gif = try GIFRecorder(url: url, width: o.width, height: o.height, framesPerSecond: o.framesPerSecond)
                canvas.fixSize()
            } else {
                do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
                    throw ChorusError(file: path, problem: "cannot create the frames folder: \(error.localizedDescription)")
                }
                pngFolder = url
            }
        }
    }

    /// Plays until every task has shown its episodes, or the user quits.
    public func run() throws(ChorusError) {
        let headless = target.options.headless
        while !quit && !target.isFinished {
            let start = SDL_GetTicks64()
            handleEvents()
            if quit { break }
            if target.options.manual {
                if let action = pendingManual { target.advance(with: Decision(action: action)) }
                pendingManual = nil
            } else if !paused || stepOnce {
                target.advance(with: target.decide())
                stepOnce = false
            }
            try drawFrame()
            if !headless {
                canvas.present()
                let budget = 1000 / (target.options.framesPerSecond * speed)
                let spent = Double(SDL_GetTicks64() - start)
                if spent < budget { SDL_Delay(UInt32(budget - spent)) }
            }
            if headless && target.options.manual { break }  // nothing can press keys offscreen
        }
        try gif?.close()
    }

    /// Applies every queued event.
    public func handleEvents() {
        var event = SDL_Event()
        while SDL_PollEvent(&event) != 0 {
            if event.type == SDL_QUIT.rawValue { quit = true }
            guard event.type == SDL_KEYDOWN.rawValue else { continue }
            let key = event.key.keysym.sym
            if target.options.manual, let arrow = Self.arrow(for: key) {
                pendingManual = target.manualAction(arrow)
                continue
            }
            switch key {
            case Int32(SDLK_SPACE.rawValue): paused.toggle()
            case Int32(SDLK_RIGHT.rawValue): if paused { stepOnce = true }
            case Int32(SDLK_n.rawValue): target.nextTask()
            case Int32(SDLK_r.rawValue): target.restartEpisode()
            case Int32(SDLK_PLUS.rawValue), Int32(SDLK_EQUALS.rawValue), Int32(SDLK_KP_PLUS.rawValue): speed = min(speed * 2, 64)
            case Int32(SDLK_MINUS.rawValue), Int32(SDLK_KP_MINUS.rawValue): speed = max(speed / 2, 1.0 / 16)
            case Int32(SDLK_q.rawValue), Int32(SDLK_ESCAPE.rawValue): quit = true
            default: break
            }
        }
    }

    static func arrow(for key: SDL_Keycode) -> Arrow? {
        switch key {
        case Int32(SDLK_UP.rawValue): return .up
        case Int32(SDLK_DOWN.rawValue): return .down
        case Int32(SDLK_LEFT.rawValue): return .left
        case Int32(SDLK_RIGHT.rawValue): return .right
        default: return nil
        }
    }

    /// Draws the scene and the HUD side by side (`WatchLayout`), and records the frame.
    public func drawFrame() throws(ChorusError) {
        let (w, h) = canvas.size
        let layout = WatchLayout(width: w, height: h)
        canvas.clear(Color(30, 30, 30))
        let scene = layout.scene
        SceneRenderer.draw(
            target.scene, renderer: canvas.renderer,
            viewport: SDL_Rect(x: Int32(scene.x), y: Int32(scene.y), w: Int32(scene.width), h: Int32(scene.height)))
        drawHeadsUpDisplay(in: layout)
        guard gif != nil || pngFolder != nil else { return }
        let pixels = canvas.pixels()
        if let gif, w == gif.width, h == gif.height { try gif.add(rgba: pixels) }
        if let pngFolder { try savePNG(pixels, width: w, height: h, in: pngFolder) }
        recordedFrames += 1
    }

    /// The HUD's colours: panel, its edge, text, dim text, bars, the chosen action.
    static let panelColor = Color(18, 18, 22), edgeColor = Color(70, 70, 80), dimColor = Color(160, 160, 170)
    static let barColor = Color(120, 170, 240), chosenColor = Color(240, 200, 40)

    /// In the layout's panel (clipped to it): task, episode, step, return, value; then each action by name with
    /// its probability as a bar (the chosen one in yellow), or each continuous action's value with the policy's
    /// mean and std. In a strip below the scene the actions get their own column.
    func drawHeadsUpDisplay(in layout: WatchLayout) {
        let panel = layout.panel
        guard panel.width > 0 && panel.height > 0 else { return }
        canvas.clip(to: panel)
        defer { canvas.clip(to: nil) }
        canvas.fill(x: panel.x, y: panel.y, width: panel.width, height: panel.height, color: Self.panelColor)
        if layout.panelBelow {
            canvas.fill(x: panel.x, y: panel.y, width: panel.width, height: 1, color: Self.edgeColor)
        } else {
            canvas.fill(x: panel.x, y: panel.y, width: 1, height: panel.height, color: Self.edgeColor)
        }
        let t = target, line = 17, margin = 10
        var x = panel.x + margin, y = panel.y + 8
        func write(_ text: String, color: Color = .white) {
            canvas.text(text, x: x, y: y, color: color)
            y += line
        }
        write(t.task.name)
        write("episode \(t.episode)/\(t.options.episodes)   step \(t.step)")
        write(String(format: "return %.2f", t.episodeReturn))
        if let v = t.lastDecision?.value { write(String(format: "value %.2f", v)) }
        if paused { write("paused (space, →)", color: Self.dimColor) }
        if speed != 1 { write(String(format: "speed ×%g", speed), color: Self.dimColor) }
        if layout.panelBelow {
            x = panel.x + panel.width / 2
            y = panel.y + 8
        } else {
            y += 8
        }
        let names = t.actionNames, decision = t.lastDecision
        switch t.task.actionSpace {
        case .discrete:
            let chosen = decision.map { Int($0.action.first ?? -1) } ?? -1
            let labelWidth = names.map { canvas.textWidth($0) }.max() ?? 0
            let barX = x + labelWidth + 8, numberWidth = canvas.textWidth("0.00") + 6
            let barSpace = max(10, panel.x + panel.width - margin - numberWidth - barX)
            for (k, name) in names.enumerated() {
                let colour = k == chosen ? Self.chosenColor : Self.barColor
                canvas.text(name, x: x, y: y, color: k == chosen ? Self.chosenColor : .white)
                if let p = decision?.probabilities, k < p.count {
                    canvas.fill(x: barX, y: y + 4, width: max(1, Int(Float(barSpace) * p[k])), height: 9, color: colour)
                    canvas.text(String(format: "%.2f", p[k]), x: barX + barSpace + 6, y: y, color: Self.dimColor)
                }
                y += line
            }
        case .box:
            for (k, name) in names.enumerated() {
                let value = decision.flatMap { k < $0.action.count ? String(format: "%+.2f", $0.action[k]) : nil } ?? "–"
                write("\(name) \(value)", color: decision == nil ? .white : Self.chosenColor)
                if let d = decision, k < d.mean.count, k < d.standardDeviation.count {
                    write(String(format: "  mean %.2f  std %.2f", d.mean[k], d.standardDeviation[k]), color: Self.dimColor)
                }
            }
        }
    }

    private func savePNG(_ pixels: [UInt8], width: Int, height: Int, in folder: URL) throws(ChorusError) {
        let url = folder.appendingPathComponent(String(format: "frame-%05d.png", recordedFrames + 1))
        var copy = pixels
        let ok = copy.withUnsafeMutableBytes { bytes -> Bool in
            guard
                let surface = SDL_CreateRGBSurfaceWithFormatFrom(
                    bytes.baseAddress, Int32(width), Int32(height), 32, Int32(width * 4),
                    SDL_PIXELFORMAT_RGBA32.rawValue)
            else { return false }
            defer { SDL_FreeSurface(surface) }
            let temporary = url.path + ".partial"
            guard IMG_SavePNG(surface, temporary) == 0, Self.isCompletePNG(temporary) else {
                unlink(temporary)
                return false
            }
            return rename(temporary, url.path) == 0
        }
        guard ok else {
            throw ChorusError(file: url.path, problem: "cannot write the PNG frame (is the disk full?): \(String(cString: SDL_GetError()))")
        }
    }

    /// True when the file at `path` ends with PNG's IEND chunk and is on disk: SDL_image reports success even
    /// when a full disk cut the file short.
    static func isCompletePNG(_ path: String) -> Bool {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        let size = lseek(descriptor, 0, SEEK_END)
        guard size >= 20 else { return false }
        var tail = [UInt8](repeating: 0, count: 8)
        guard pread(descriptor, &tail, 8, size - 8) == 8 else { return false }
        return tail == [0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82] && fsync(descriptor) == 0
    }
}
#endif
