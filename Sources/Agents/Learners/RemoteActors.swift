import Communication
import NeuralNetworks

/// The learner's side of `actor_learner: remote`: the actors on ranks 1…A of `communicator` (see `RemoteActor`).
///
/// Update k learns from the next rollout of actor k mod A, then sends that actor the new parameters
/// without waiting for it to take them (`startSend`: a blocking send here would wait for an actor that
/// is itself blocked sending its next rollout). `stop` takes in the rollouts still on their way and tells
/// every actor to stop, so the run ends with no message in flight.
final class RemoteActors {
    let communicator: any Communicator
    /// How many actors there are.
    var count: Int { communicator.size - 1 }
    /// How many updates old the parameters are that a rollout was collected with (in steady state).
    var policyLag: Int { 2 * count - 1 }
    /// Whether θ₀ has gone out.
    private var started = false
    /// The actor whose rollout comes next.
    private var next = 0
    /// Per actor: parameter messages sent after an update, and rollouts received.
    private var sent: [Int], received: [Int]
    private var inFlight: [any PendingSend] = []

    init(communicator: any Communicator) {
        precondition(communicator.rank == 0 && communicator.size > 1, "the learner is rank 0 of several")
        self.communicator = communicator
        sent = Array(repeating: 0, count: communicator.size - 1)
        received = sent
    }

    /// Waits for the next actor's rollout and reads it into `rollouts`; returns that actor and its finished episodes.
    func receiveRollout(into rollouts: inout [TaskRollout], policy: MultiTaskPolicy, popArt: PopArt) -> (
        actor: Int, statistics: [TaskStatistics]
    ) {
        if !started {
            started = true
            for actor in 0..<count { send(RemoteActorMessage.parameters(of: policy, popArt: popArt), to: actor) }
        }
        let actor = next
        next = (next + 1) % count
        let message = communicator.receive(from: actor + 1, tag: RemoteActorMessage.rolloutTag)
        received[actor] += 1
        guard let statistics = RemoteActorMessage.read(rollout: message, into: &rollouts) else {
            preconditionFailure("rank \(actor + 1) sent a rollout of \(message.count) numbers; it runs another configuration")
        }
        return (actor, statistics)
    }

    /// Sends the parameters learned from `actor`'s rollout back to it.
    func sendParameters(of policy: MultiTaskPolicy, popArt: PopArt, to actor: Int) {
        send(RemoteActorMessage.parameters(of: policy, popArt: popArt), to: actor)
        sent[actor] += 1
    }

    /// Drains the rollouts the actors have sent or will send before reading their next parameters, then stops them.
    func stop() {
        if !started {
            started = true
            for actor in 0..<count { send(RemoteActorMessage.stop, to: actor) }
        } else {
            for actor in 0..<count {
                // After θ₀ and `sent` updates' parameters, an actor sends rollouts until it has sent `sent + 2`.
                for _ in received[actor]..<(sent[actor] + 2) {
                    _ = communicator.receive(from: actor + 1, tag: RemoteActorMessage.rolloutTag)
                    received[actor] += 1
                }
                send(RemoteActorMessage.stop, to: actor)
            }
        }
        for pending in inFlight { pending.wait() }
        inFlight = []
    }

    private func send(_ message: [Double], to actor: Int) {
        inFlight.append(communicator.startSend(message, to: actor + 1, tag: RemoteActorMessage.parametersTag))
        if inFlight.count > 4 * count {  // bound the copies kept: the oldest are long delivered
            for pending in inFlight.prefix(2 * count) { pending.wait() }
            inFlight.removeFirst(2 * count)
        }
    }
}
