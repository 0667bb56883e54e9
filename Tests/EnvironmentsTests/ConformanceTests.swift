import Environments
import Foundation
import TestSupport
import Testing

/// Replays every trajectory recorded from Gymnasium (`Tests/Fixtures/gymnasium/*.jsonl`) and requires
/// bit-exact observations, rewards and flags, both re-synchronised every step and free-running.
@Suite("Conformance with Gymnasium")
struct ConformanceTests {
    /// One recorded episode (decoded with JSONDecoder: Foundation's JSONSerialization mis-rounds some doubles on Linux).
    struct Trace: Decodable {
        struct Step: Decodable {
            var observation: [Double]
            var reward: Double
            var terminated: Bool
            var truncated: Bool
            var state: [Double]
        }
        var env: String
        var seed: Int
        var initialState: [Double]
        var initialObservation: [Double]
        var actions: [Double]
        var steps: [Step]

        enum CodingKeys: String, CodingKey {
            case env, seed, actions, steps
            case initialState = "initial_state", initialObservation = "initial_observation"
        }
    }

    static var traceFiles: [URL] {
        let folder = Fixtures.directory.appendingPathComponent("gymnasium")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".jsonl") }.sorted().map { folder.appendingPathComponent($0) }
    }

    static func traces(in file: URL) throws -> [Trace] {
        let text = try String(contentsOf: file, encoding: .utf8)
        return try text.split(separator: "\n").filter { !$0.isEmpty }.map { try JSONDecoder().decode(Trace.self, from: Data($0.utf8)) }
    }

    static func step(_ env: inout any Environment, _ action: Double) -> (observation: [Float], outcome: StepOutcome) {
        if case .discrete = env.actionSpace { return env.step(Int(action)) }
        return env.step([Float(action)])
    }

    /// The first difference between a step and its record, described; nil when they agree exactly.
    static func mismatch(_ got: (observation: [Float], outcome: StepOutcome), _ want: Trace.Step) -> String? {
        if got.observation.map(\.bitPattern) != want.observation.map({ Float($0).bitPattern }) {
            return "observation \(got.observation) != \(want.observation)"
        }
        if got.outcome.reward.bitPattern != want.reward.bitPattern { return "reward \(got.outcome.reward) != \(want.reward)" }
        if got.outcome.terminated != want.terminated { return "terminated \(got.outcome.terminated) != \(want.terminated)" }
        if got.outcome.truncated != want.truncated { return "truncated \(got.outcome.truncated) != \(want.truncated)" }
        return nil
    }

    @Test("every trace file replays exactly", arguments: traceFiles)
    func replay(file: URL) throws {
        let traces = try Self.traces(in: file)
        #expect(!traces.isEmpty, "no traces in \(file.lastPathComponent)")
        for trace in traces {
            guard let prototype = EnvironmentRegistry.members.first(where: { $0.id == trace.env })?.standard() else {
                Issue.record("\(file.lastPathComponent): unknown env \(trace.env)")
                return
            }
            // Free-running from the initial state.
            var env = prototype.environment
            env.state = trace.initialState
            env.elapsedSteps = 0
            #expect(env.observation() == trace.initialObservation.map { Float($0) }, "\(trace.env) seed \(trace.seed): initial observation")
            for (k, record) in trace.steps.enumerated() {
                if let problem = Self.mismatch(Self.step(&env, trace.actions[k]), record) {
                    Issue.record("\(trace.env) seed \(trace.seed) step \(k + 1) (free-running): \(problem)")
                    break
                }
            }
            // Re-synchronised: every step starts from the recorded state before it.
            var synced = prototype.environment
            for (k, record) in trace.steps.enumerated() {
                synced.state = k == 0 ? trace.initialState : trace.steps[k - 1].state
                synced.elapsedSteps = k
                let got = Self.step(&synced, trace.actions[k])
                if let problem = Self.mismatch(got, record) {
                    Issue.record("\(trace.env) seed \(trace.seed) step \(k + 1) (one-step): \(problem)")
                    break
                }
                if synced.state.map(\.bitPattern) != record.state.map(\.bitPattern) {
                    Issue.record("\(trace.env) seed \(trace.seed) step \(k + 1) (one-step): state \(synced.state) != \(record.state)")
                    break
                }
            }
        }
    }

    @Test("the shipped traces are all there")
    func shippedTraces() {
        let names = Set(Self.traceFiles.map { $0.deletingPathExtension().lastPathComponent })
        #expect(names.isSuperset(of: ["CartPole-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1"]))
    }
}
