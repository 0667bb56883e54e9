import Agents
import Environments
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Training throughput and time-to-solve: PPO to 475 on CartPole over 5 seeds, A2C and PopArt-PPO
/// steps/s on the classic-control suite (16 environments per task), and the process's peak memory.
enum TrainingBenchmark {
    static func run(seconds: Double, threads: Int) throws -> BenchmarkSection {
        let catalogue = try Catalogue.locate()
        let cartpole = try catalogue.loadSuite("cartpole")
        var rows: [(name: String, values: [Double])] = []
        var notes: [String] = []

        // PPO on CartPole: wall-clock until a deterministic 10-episode evaluation reaches 475.
        var times: [Double] = [], steps: [Double] = []
        for seed in UInt64(1)...5 {
            let c = try AgentConfiguration.load("ppo", catalogue: catalogue)
            let trainer = ActorCriticLearner(tasks: cartpole.tasks, configuration: c, seed: seed)
            let start = Date()
            var recent: [Double] = []
            var solvedAt = Double.nan
            while trainer.environmentSteps < c.totalSteps {
                try? trainer.iterate()
                let s = trainer.statistics[0]
                if s.episodes > 0 { recent.append(s.meanReturn); if recent.count > 4 { recent.removeFirst() } }
                trainer.statistics[0] = TaskStatistics()
                if let last = recent.last, last >= 475 {
                    let report = Evaluator(episodes: 10, seed: 777, deterministic: true)
                        .evaluate(suite: "cartpole", tasks: cartpole.tasks, policy: trainer.policy, popArt: trainer.popArt, policyTask: [0])
                    if report.tasks[0].meanReturn >= 475 { solvedAt = Double(trainer.environmentSteps); break }
                }
            }
            times.append(solvedAt.isNaN ? .nan : Date().timeIntervalSince(start))
            steps.append(solvedAt)
        }
        let solvedTimes = times.filter { !$0.isNaN }.sorted(), solvedSteps = steps.filter { !$0.isNaN }.sorted()
        rows.append(
            (
                "ppo CartPole → 475 (median s, steps)",
                [
                    solvedTimes.isEmpty ? .nan : solvedTimes[solvedTimes.count / 2],
                    solvedSteps.isEmpty ? .nan : solvedSteps[solvedSteps.count / 2],
                ]
            ))
        notes.append("CartPole: \(solvedTimes.count)/5 seeds reached 475; times " + times.map { String(format: "%.2fs", $0) }.joined(separator: " "))

        // Throughput on the classic-control suite, and what observation normalisation and gradient surgery
        // (one backward pass per task) cost on top of popart-ppo, measured side by side.
        let suite = try catalogue.loadSuite("classic-control")
        let variants: [(label: String, agent: String, configure: (inout AgentConfiguration) -> Void)] = [
            ("a2c", "a2c", { _ in }),
            ("popart-ppo, raw observations", "popart-ppo", { $0.normalizeObservations = false }),
            ("popart-ppo, normalize_observations", "popart-ppo", { $0.normalizeObservations = true }),
            (
                "popart-ppo, normalized + pcgrad", "popart-ppo",
                {
                    $0.normalizeObservations = true; $0.gradientSurgery = .pcgrad
                }
            ),
            (
                "popart-ppo, normalized + gradnorm", "popart-ppo",
                {
                    $0.normalizeObservations = true; $0.gradientSurgery = .gradnorm
                }
            ),
        ]
        var rates: [String: Double] = [:]
        for variant in variants {
            var c = try AgentConfiguration.load(variant.agent, catalogue: catalogue)
            c.environmentsPerTask = 16
            variant.configure(&c)
            let trainer = ActorCriticLearner(tasks: suite.tasks, configuration: c, seed: 1, threads: threads)
            try? trainer.iterate()  // warm up
            let start = Date(), first = trainer.environmentSteps
            while Date().timeIntervalSince(start) < seconds { try? trainer.iterate() }
            let rate = Double(trainer.environmentSteps - first) / Date().timeIntervalSince(start)
            rates[variant.label] = rate
            rows.append(("\(variant.label) classic-control, 16 envs/task (steps/s)", [rate, .nan]))
        }
        if let raw = rates[variants[1].label], let normalized = rates[variants[2].label] {
            notes.append(
                String(
                    format:
                        "popart-ppo classic-control: normalize_observations %.3f× the steps/s of raw observations; pcgrad %.2f×, gradnorm %.2f× of normalized",
                    normalized / raw, (rates[variants[3].label] ?? .nan) / normalized, (rates[variants[4].label] ?? .nan) / normalized))
        }
        // Pipelined vs synchronous actor–learner (PopArt-IMPALA recipes), with the synchronous run's shares
        // of acting and learning: overlapping them can at best reach (act + learn) / max(act, learn).
        let minatar = try catalogue.loadSuite("minatar")
        for (label, suiteTasks, agent) in [
            ("classic-control", suite.tasks, "popart-impala"), ("minatar", minatar.tasks, "minatar-popart-ppo"),
        ] {
            var c = try AgentConfiguration.load(agent, catalogue: catalogue)
            c.estimator = .vtrace
            c.actorLearner = .synchronous
            let synchronous = ActorCriticLearner(tasks: suiteTasks, configuration: c, seed: 1, threads: 1)
            try? synchronous.iterate()
            var acting = 0.0, learning = 0.0, synchronousIterations = 0.0
            let first = synchronous.environmentSteps
            while acting + learning < seconds {
                synchronousIterations += 1
                let start = Date()
                synchronous.collectRollout()
                let collected = Date()
                try? synchronous.update()
                acting += collected.timeIntervalSince(start)
                learning += Date().timeIntervalSince(collected)
            }
            let synchronousRate = Double(synchronous.environmentSteps - first) / (acting + learning)
            c.actorLearner = .pipelined
            let pipelined = ActorCriticLearner(tasks: suiteTasks, configuration: c, seed: 1, threads: 1)
            try? pipelined.iterate()
            let start = Date(), firstPipelined = pipelined.environmentSteps, warmUp = pipelined.pipelineSeconds
            var pipelinedIterations = 0.0
            while Date().timeIntervalSince(start) < seconds {
                try? pipelined.iterate()
                pipelinedIterations += 1
            }
            let pipelinedRate = Double(pipelined.environmentSteps - firstPipelined) / Date().timeIntervalSince(start)
            let bound = (acting + learning) / max(acting, learning)
            rows.append(("\(agent) \(label), synchronous (steps/s)", [synchronousRate, .nan]))
            rows.append(("\(agent) \(label), pipelined (steps/s)", [pipelinedRate, .nan]))
            let roles = pipelined.pipelineSeconds
            notes.append(
                String(
                    format: "%@ %@: acting %.0f%%, learning %.0f%% of a synchronous iteration; pipelined/synchronous %.2f× (bound %.2f×)",
                    agent, label, 100 * acting / (acting + learning), 100 * learning / (acting + learning), pipelinedRate / synchronousRate,
                    bound))
            notes.append(
                String(
                    format:
                        "%@ %@ per iteration: synchronous %.2f ms (acting %.2f, learning %.2f); pipelined %.2f ms, its roles at once: acting %.2f, learning %.2f (re-evaluation included)",
                    agent, label, 1000 * (acting + learning) / synchronousIterations, 1000 * acting / synchronousIterations,
                    1000 * learning / synchronousIterations, 1000 * (roles.wall - warmUp.wall) / pipelinedIterations,
                    1000 * (roles.acting - warmUp.acting) / pipelinedIterations, 1000 * (roles.learning - warmUp.learning) / pipelinedIterations))
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        rows.append(("peak memory (MB)", [Double(usage.ru_maxrss) / 1024, .nan]))
        notes.append("threads stepping environments: \(threads); reference: stable-baselines3 PPO needs 20–30k steps and 4–6 s for 475 here")
        return BenchmarkSection(title: "Training", columns: ["value", "steps"], rows: rows, notes: notes)
    }
}
