import Agents
import Environments
import Foundation
import TestSupport
import Testing
@testable import Viewer
#if SDL
import CGIF
import CSDL2
#endif

/// The viewer: the ASCII view, offscreen rendering, GIF recording and keyboard handling.
@Suite(.serialized) struct ViewerTests {
    static func randomTarget(_ suite: String, task: String? = nil, episodes: Int = 1, record: String? = nil) throws -> WatchTarget {
        var s = try Catalogue.repository.loadSuite(suite)
        if let task { s = try s.selecting([task]) }
        var o = WatchOptions()
        o.choice = .random
        o.episodes = episodes
        o.headless = true
        o.recordPath = record
        o.width = 320
        o.height = 240
        return WatchTarget(tasks: s.tasks, loaded: nil, policyTask: [], options: o)
    }

    @Test func asciiViewShowsTheMaze() throws {
        let target = try Self.randomTarget("gridworld-goals", task: "maze-south-east")
        let grid = try #require(AsciiView.grid(of: target.scene))
        let rows = grid.split(separator: "\n")
        #expect(rows.count == 9 && rows.allSatisfy { $0.count == 9 })
        #expect(grid.filter { $0 == "@" }.count == 1 && grid.filter { $0 == "G" }.count == 1)
        #expect(rows[0].allSatisfy { $0 == "#" }, "the outer wall")
        #expect(rows[7].dropFirst(7).first == "G", "the south-east goal at column 7, row 7")
        let cart = try Self.randomTarget("cartpole")
        #expect(AsciiView.grid(of: cart.scene) == nil && cart.summary.contains("CartPole-v1"))
    }

    @Test func manualArrowsMapToEachTasksActions() throws {
        let grid = try Self.randomTarget("gridworld-goals")
        #expect([Arrow.up, .down, .left, .right].map { grid.manualAction($0) } == [[0], [1], [2], [3]])
        let cart = try Self.randomTarget("cartpole")
        #expect(cart.manualAction(.left) == [0] && cart.manualAction(.right) == [1] && cart.manualAction(.down) == nil)
        let pendulum = try Self.randomTarget("pendulum")
        #expect(pendulum.manualAction(.left) == [-2] && pendulum.manualAction(.right) == [2])
    }

    @Test func hudPanelNeverOverlapsTheScene() {
        let sizes = [(640, 480), (320, 240), (1280, 720), (480, 640), (400, 400), (200, 150), (150, 600), (2560, 400), (1, 1), (0, 0)]
        for (width, height) in sizes {
            let layout = WatchLayout(width: width, height: height)
            let window = WatchLayout.Region(x: 0, y: 0, width: width, height: height)
            #expect(!layout.scene.overlaps(layout.panel), "\(width)×\(height)")
            #expect(window.contains(layout.scene) && window.contains(layout.panel), "\(width)×\(height)")
            #expect(layout.scene.width * layout.scene.height + layout.panel.width * layout.panel.height == width * height, "the two tile the window")
            if width >= 100 && height >= 100 {
                #expect(
                    layout.scene.width >= width / 2 && layout.scene.height >= height / 2, "\(width)×\(height): the scene keeps most of the window")
                #expect(
                    layout.panel.width >= min(width / 2, 150) && layout.panel.height >= min(height / 2, 100), "\(width)×\(height): room for the HUD")
            }
        }
        #expect(!WatchLayout(width: 640, height: 480).panelBelow && WatchLayout(width: 480, height: 640).panelBelow)
    }

    @Test func actionNamesComeFromTheEnvironment() throws {
        #expect(try Self.randomTarget("cartpole").actionNames == ["left", "right"])
        #expect(try Self.randomTarget("pendulum").actionNames == ["torque"])
        #expect(try Self.randomTarget("gridworld-goals").actionNames == ["up", "down", "left", "right"])
        #expect(try Self.randomTarget("minatar").actionNames == ["noop", "left", "up", "right", "down"], "Asterix-v1: its minimal set")
    }

    #if SDL
    /// Draws frames of `suite` at `width` × `height` and checks that every pixel of the scene's region is what the
    /// scene alone draws there: the HUD changes none of them.
    func checkHudLeavesSceneAlone(_ suite: String, width: Int, height: Int) throws {
        let target = try Self.randomTarget(suite)
        var options = target.options
        options.width = width
        options.height = height
        let sized = WatchTarget(tasks: target.tasks, loaded: nil, policyTask: [], options: options)
        let session = try WatchSession(target: sized)
        for _ in 0..<5 { sized.advance(with: sized.decide()) }
        try session.drawFrame()
        let withHud = session.canvas.pixels()
        let layout = WatchLayout(width: width, height: height)
        let scene = layout.scene
        session.canvas.clear(Color(30, 30, 30))
        SceneRenderer.draw(
            sized.scene, renderer: session.canvas.renderer,
            viewport: SDL_Rect(x: Int32(scene.x), y: Int32(scene.y), w: Int32(scene.width), h: Int32(scene.height)))
        let alone = session.canvas.pixels()
        var differing = 0
        for y in scene.y..<(scene.y + scene.height) {
            for x in scene.x..<(scene.x + scene.width) where pixel(withHud, width: width, x: x, y: y) != pixel(alone, width: width, x: x, y: y) {
                differing += 1
            }
        }
        #expect(differing == 0, "\(suite) at \(width)×\(height): \(differing) scene pixels changed by the HUD")
        let panel = layout.panel
        var hudColours = Set<Color>()
        for y in stride(from: panel.y, to: panel.y + panel.height, by: 3) {
            for x in stride(from: panel.x, to: panel.x + panel.width, by: 3) { hudColours.insert(pixel(withHud, width: width, x: x, y: y)) }
        }
        #expect(hudColours.count >= 3, "\(suite) at \(width)×\(height): the HUD is drawn in its panel")
    }

    @Test func hudLeavesTheSceneUntouched() throws {
        for (suite, width, height) in [("minatar", 640, 480), ("gridworld-goals", 320, 240), ("mountaincar", 480, 640), ("cartpole", 900, 300)] {
            try checkHudLeavesSceneAlone(suite, width: width, height: height)
        }
    }

    func pixel(_ pixels: [UInt8], width: Int, x: Int, y: Int) -> Color {
        let k = 4 * (y * width + x)
        return Color(pixels[k], pixels[k + 1], pixels[k + 2], pixels[k + 3])
    }

    static let viewport = SDL_Rect(x: 0, y: 0, w: 320, h: 240)

    /// The colour drawn at a world point of `scene` (rendered alone into a fresh offscreen canvas).
    func colour(at point: Scene.Point, of scene: Scene, in session: WatchSession) -> Color {
        SceneRenderer.draw(scene, renderer: session.canvas.renderer, viewport: Self.viewport)
        let p = SceneRenderer.project(point, scene: scene, viewport: Self.viewport)
        return pixel(session.canvas.pixels(), width: 320, x: Int(p.x), y: Int(p.y))
    }

    @Test func gridworldCellsHaveTheirColours() throws {
        let session = try WatchSession(target: Self.randomTarget("gridworld-goals", task: "maze-south-east"))
        let scene = session.target.scene
        guard case .circle(let agent, _, let agentColour) = scene.shapes.last else { Issue.record("no agent circle"); return }
        #expect(agentColour == Gridworld.colors[.agent]!)
        #expect(colour(at: agent, of: scene, in: session) == agentColour, "the agent's cell")
        #expect(colour(at: .init(7.5, 7.5), of: scene, in: session) == Gridworld.colors[.goal]!, "the south-east goal")
        #expect(colour(at: .init(0.5, 0.5), of: scene, in: session) == Gridworld.colors[.wall]!, "the corner wall")
        #expect(colour(at: .init(1.5, 1.5), of: scene, in: session) == scene.background, "open floor")
    }

    @Test func everyCatalogueTaskDrawsItsFirstFrame() throws {
        for suite in ["classic-control", "gridworld-mix", "gridworld-goals"] {
            let target = try Self.randomTarget(suite)
            let session = try WatchSession(target: target)
            for _ in target.tasks {
                try session.drawFrame()
                let pixels = session.canvas.pixels()
                var colours = Set<Color>()
                for k in stride(from: 0, to: pixels.count, by: 4 * 7) {
                    colours.insert(Color(pixels[k], pixels[k + 1], pixels[k + 2], pixels[k + 3]))
                }
                #expect(colours.count >= 3, "\(target.task.name): a drawn scene, not one flat colour")
                target.nextTask()
            }
        }
    }

    @Test func cartPolePoleIsDrawnAlongItsStateAngle() throws {
        // Step CartPole until the pole leans visibly, then check pixels along the pole's own direction.
        let target = try Self.randomTarget("cartpole", episodes: 1)
        let session = try WatchSession(target: target)
        for _ in 0..<6 { target.advance(with: Decision(action: [1])) }
        let scene = target.scene
        let poles = scene.shapes.compactMap { shape -> (Scene.Point, Scene.Point, Color)? in
            if case .line(let from, let to, let width, let c) = shape, width > 0.05 { return (from, to, c) }
            if case .polygon(let points, let c) = shape, points.count == 4 {
                return (
                    Scene.Point((points[0].x + points[1].x) / 2, (points[0].y + points[1].y) / 2),
                    Scene.Point((points[2].x + points[3].x) / 2, (points[2].y + points[3].y) / 2), c
                )
            }
            return nil
        }
        let (from, to, poleColour) = try #require(poles.first)
        #expect(abs(to.x - from.x) > 0.01, "the pole leans after pushing right")
        let along = Scene.Point(from.x + 0.7 * (to.x - from.x), from.y + 0.7 * (to.y - from.y))
        #expect(colour(at: along, of: scene, in: session) == poleColour, "70% up the pole at the state's angle")
        let mirrored = Scene.Point(from.x - 0.7 * (to.x - from.x), along.y)
        #expect(colour(at: mirrored, of: scene, in: session) != poleColour, "not on the other side")
    }

    @Test func recordedGifDecodesToTheFramesPlayed() throws {
        let url = Fixtures.temporaryDirectory("gif").appendingPathComponent("episodes.gif")
        let target = try Self.randomTarget("gridworld-goals", task: "maze-north-west", record: url.path)
        let session = try WatchSession(target: target)
        try session.run()
        #expect(session.recordedFrames > 1)
        var error: Int32 = 0
        let file = try #require(DGifOpenFileName(url.path, &error))
        #expect(DGifSlurp(file) == GIF_OK)
        #expect(Int(file.pointee.ImageCount) == session.recordedFrames)
        #expect(file.pointee.SWidth == 320 && file.pointee.SHeight == 240)
        DGifCloseFile(file, &error)
        #expect(!FileManager.default.fileExists(atPath: url.deletingLastPathComponent().appendingPathComponent(".episodes.gif.partial").path))
    }

    @Test func recordedPngFramesAreCompleteAndACutFrameIsDetected() throws {
        let folder = Fixtures.temporaryDirectory("png")
        let target = try Self.randomTarget("gridworld-goals", task: "maze-north-west", record: folder.path)
        let session = try WatchSession(target: target)
        try session.run()
        let first = folder.appendingPathComponent("frame-00001.png")
        #expect(WatchSession.isCompletePNG(first.path))
        // What a full disk leaves: SDL_image reports success for a file cut short.
        let bytes = try Data(contentsOf: first)
        let cut = folder.appendingPathComponent("cut.png")
        try bytes.prefix(bytes.count / 2).write(to: cut)
        #expect(!WatchSession.isCompletePNG(cut.path))
        #expect(!WatchSession.isCompletePNG(folder.appendingPathComponent("missing.png").path))
    }

    @Test func keysPauseStepSwitchTasksAndQuit() throws {
        let target = try Self.randomTarget("gridworld-goals", episodes: 5)
        let session = try WatchSession(target: target)
        func press(_ key: SDL_KeyCode) {
            var event = SDL_Event()
            event.type = SDL_KEYDOWN.rawValue
            event.key.keysym.sym = Int32(key.rawValue)
            SDL_PushEvent(&event)
        }
        press(SDLK_SPACE); session.handleEvents()
        #expect(session.paused)
        press(SDLK_n); session.handleEvents()
        #expect(target.taskIndex == 1)
        press(SDLK_PLUS); press(SDLK_PLUS); session.handleEvents()
        #expect(session.speed == 4)
        press(SDLK_SPACE); press(SDLK_q); session.handleEvents()
        #expect(!session.paused && session.quit)
    }
    #endif
}
