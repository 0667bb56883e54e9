extension EnvironmentFamily {
    /// Gymnasium's classic-control tasks, exact to Gymnasium 1.x (traces in `Tests/Fixtures/gymnasium`);
    /// a task's `max_steps` replaces the default time limit.
    public static let classicControl = EnvironmentFamily(
        members: classicControlTasks.map { task in Member(id: task.id, description: task.description) { task.make(nil) } }
    ) { request throws(ChorusError) in
        classicControlTasks.first { $0.id == request.spec.env }!.make(request.spec.maxSteps)
    }

    private static let classicControlTasks: [(id: String, description: String, make: @Sendable (_ maxSteps: Int?) -> EnvironmentPrototype)] = [
        (
            "CartPole-v1", "balance a pole on a cart (Gymnasium-exact; Discrete(2), 500 steps)",
            { EnvironmentPrototype(CartPole(maxEpisodeSteps: $0 ?? 500)) }
        ),
        (
            "Acrobot-v1", "swing a two-link arm above the bar (Gymnasium-exact; Discrete(3), 500 steps)",
            { EnvironmentPrototype(Acrobot(maxEpisodeSteps: $0 ?? 500)) }
        ),
        (
            "MountainCar-v0", "rock a car up a hill (Gymnasium-exact; Discrete(3), 200 steps)",
            { EnvironmentPrototype(MountainCar(maxEpisodeSteps: $0 ?? 200)) }
        ),
        (
            "MountainCarContinuous-v0", "rock a car up a hill with a continuous force (Gymnasium-exact; Box(1), 999 steps)",
            { EnvironmentPrototype(MountainCarContinuous(maxEpisodeSteps: $0 ?? 999)) }
        ),
        (
            "Pendulum-v1", "swing a pendulum up and hold it (Gymnasium-exact; Box(1), 200 steps)",
            { EnvironmentPrototype(Pendulum(maxEpisodeSteps: $0 ?? 200)) }
        ),
    ]
}
