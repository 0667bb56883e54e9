import Agents

/// What `chorus watch` shows and how.
public struct WatchOptions: Sendable {
    public var episodes = 3
    public var framesPerSecond = 30.0
    public var seed: UInt64 = 1
    public var choice = PolicyChoice.trained
    public var deterministic = false
    /// Arrow keys choose the actions instead of the policy.
    public var manual = false
    /// A `.gif` file or a folder of numbered PNG frames.
    public var recordPath: String?
    /// Render offscreen (`SDL_VIDEODRIVER=offscreen`), with no window and no frame pacing.
    public var headless = false
    public var width = 640
    public var height = 480

    public init() {}
}
