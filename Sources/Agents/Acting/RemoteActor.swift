import Communication
import Environments
import NeuralNetworks

/// An actor on an MPI rank of its own (`actor_learner: remote`, ranks 1…A; rank 0 learns): IMPALA's
/// actors, on as many processes or machines as `mpirun` starts.
///
/// Actor a (rank a + 1) steps environments [a·n, (a+1)·n) of every task, as rank a of A would in a
/// data-parallel run, and follows a fixed schedule, so a seed and rank count give the same bits whatever
/// the timing: it receives θ₀, collects and sends rollouts 0 and 1 with it, then before each rollout j ≥ 2
/// receives the parameters the learner sent after learning from its rollout j − 2. The learner takes the
/// actors' rollouts in turn (`RemoteActors`), so each is collected with parameters 2A − 1 updates old
/// (with one actor, exactly the pipelined actor–learner's schedule); V-trace corrects the lag.
public final class RemoteActor {
    private let communicator: any Communicator
    private let actor: PipelinedActor
    private let parameterCount: Int

    /// The actor of rank `communicator.rank` (≥ 1) for the learner on rank 0.
    public init(tasks: [Task], configuration: AgentConfiguration, seed: UInt64, communicator: any Communicator) {
        precondition(communicator.rank > 0, "rank 0 learns")
        self.communicator = communicator
        let heads = MultiTaskPolicy(tasks: tasks, configuration: configuration, seed: seed)
        let collector = RolloutCollector(
            tasks: tasks, heads: heads.tasks, configuration: configuration, seed: seed, threads: 1,
            shard: EnvironmentShard(rank: communicator.rank - 1, ranks: communicator.size - 1))
        let popArt = PopArt(tasks: tasks.count, configuration: configuration)
        actor = PipelinedActor(tasks: tasks, configuration: configuration, seed: seed, collector: collector, popArt: popArt)
        parameterCount = heads.parameters.reduce(0) { $0 + $1.value.count }
    }

    /// Acts until the learner says stop; returns the number of rollouts sent.
    @discardableResult
    public func run() -> Int {
        guard let initial = receiveParameters() else { return 0 }
        actor.restore(history: [initial])
        var sent = 0
        while true {
            if sent >= 2 {
                guard let parameters = receiveParameters() else { return sent }
                actor.restore(history: [parameters])
            }
            actor.collect()
            communicator.send(
                RemoteActorMessage.rollout(actor.collector.rollouts, statistics: actor.statistics), to: 0, tag: RemoteActorMessage.rolloutTag)
            actor.statistics = actor.statistics.map { _ in TaskStatistics() }
            sent += 1
        }
    }

    private func receiveParameters() -> (parameters: [Float], popArt: PopArt)? {
        let message = communicator.receive(from: 0, tag: RemoteActorMessage.parametersTag)
        return RemoteActorMessage.read(parameters: message, count: parameterCount, popArt: actor.popArt)
    }
}
