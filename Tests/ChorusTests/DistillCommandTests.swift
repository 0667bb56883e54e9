import Foundation
import TestSupport
import Testing

/// End-to-end: `chorus distill` from the shipped pretrained agent, its run read by `eval`, `plot` and
/// `watch`, and bad teachers or presets rejected before anything is written.
@Suite struct DistillCommandTests {
    static let teacher = Fixtures.repositoryRoot.appendingPathComponent("agents/pretrained/classic-control").path

    @Test func distilledRunWorksWithEvalPlotAndWatch() throws {
        let dir = Fixtures.temporaryDirectory("distill")
        let run = dir.appendingPathComponent("student")
        let distill = try ChorusBinary.run([
            "distill", "--teachers", Self.teacher, "--suite", "classic-control", "--task", "CartPole-v1,Pendulum-v1",
            "--agent", "distill-small", "--steps", "4096", "--out", run.path, "--eval-episodes", "3",
        ])
        #expect(distill.status == 0, "\(distill.error)")
        #expect(distill.output.contains("% of teacher") && distill.output.contains("geometric mean"))
        for file in ["config.yaml", "metrics.csv", "checkpoints/latest.safetensors", "evaluation.json", "distillation.txt", "distillation.json"] {
            #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent(file).path), "\(file) exists")
        }
        let config = try String(contentsOf: run.appendingPathComponent("config.yaml"), encoding: .utf8)
        #expect(config.contains("teachers:") && config.contains("distillation:"))
        struct Comparison: Decodable {
            struct Row: Decodable { let name: String; let teacher_score: Double }; let rows: [Row]; let student_parameters: Int
        }
        let comparison = try JSONDecoder().decode(Comparison.self, from: Data(contentsOf: run.appendingPathComponent("distillation.json")))
        #expect(comparison.rows.map(\.name) == ["CartPole-v1", "Pendulum-v1"] && comparison.student_parameters > 0)

        let eval = try ChorusBinary.run(["eval", run.path, "--episodes", "2"])
        #expect(eval.status == 0 && eval.output.contains("Pendulum-v1"), "\(eval.error)")
        let plot = try ChorusBinary.run(["plot", run.path, "-o", dir.appendingPathComponent("curves.svg").path])
        #expect(plot.status == 0, "\(plot.error)")
        let watch = try ChorusBinary.run(["watch", run.path, "--task", "CartPole-v1", "--episodes", "1", "--ascii"])
        #expect(watch.status == 0 && watch.output.contains("CartPole-v1"), "\(watch.error)")
        let again = try ChorusBinary.run([
            "distill", "--teachers", Self.teacher, "--suite", "classic-control", "--task", "CartPole-v1", "--out", run.path,
        ])
        #expect(again.status != 0 && again.error.contains("already holds a run"), "an existing run is not overwritten")
        let resume = try ChorusBinary.run(["train", "--resume", run.path])
        #expect(resume.status != 0 && resume.error.contains("distillation run, which cannot be resumed"), "\(resume.error)")
    }

    @Test func badTeachersAndPresetsAreRejectedBeforeWriting() throws {
        let dir = Fixtures.temporaryDirectory("distill-bad")
        let out = dir.appendingPathComponent("never")
        let gridTeacher = Fixtures.repositoryRoot.appendingPathComponent("agents/pretrained/gridworld-goals").path
        let cases: [([String], String)] = [
            (["--teachers", gridTeacher, "--suite", "classic-control", "--task", "CartPole-v1"], "task 'CartPole-v1' has no teacher"),
            (["--teachers", Self.teacher, gridTeacher, "--suite", "classic-control", "--task", "CartPole-v1"], "teaches none of the tasks"),
            (["--teachers", Self.teacher, Self.teacher, "--suite", "classic-control", "--task", "CartPole-v1"], "pass one teacher per task"),
            (["--teachers", dir.appendingPathComponent("missing").path, "--suite", "classic-control"], "no such run directory"),
            (["--teachers", Self.teacher, "--suite", "classic-control", "--agent", "popart-ppo"], "has no distillation: section"),
            (["--suite", "classic-control"], "--teachers needs at least one"),
        ]
        for (arguments, message) in cases {
            let result = try ChorusBinary.run(["distill"] + arguments + ["--out", out.path])
            #expect(result.status != 0 && result.error.contains(message), "\(arguments): \(result.error)")
            #expect(!FileManager.default.fileExists(atPath: out.path), "nothing written for \(arguments)")
        }
    }
}
