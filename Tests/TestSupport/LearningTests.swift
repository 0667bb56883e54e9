import Foundation
import Testing

extension Tag {
    /// Tests that train an agent to a threshold: seconds each, where a unit test takes milliseconds.
    @Tag public static var learning: Tag
}

extension Trait where Self == ConditionTrait {
    /// Runs the test unless `CHORUS_SKIP_LEARNING` is set (`CHORUS_SKIP_LEARNING=1 swift test` runs everything
    /// else in seconds); put it beside `.tags(.learning)`.
    public static var learningEnabled: Self {
        .enabled(if: ProcessInfo.processInfo.environment["CHORUS_SKIP_LEARNING"] == nil, "CHORUS_SKIP_LEARNING is set")
    }
}
