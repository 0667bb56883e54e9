import Environments
import Foundation

extension Catalogue {
    /// The repository's own catalogue.
    public static var repository: Catalogue { Catalogue(root: Fixtures.repositoryRoot) }
}

extension Gridworld {
    /// A gridworld from map text (fails the test run loudly if the map is invalid).
    public static func fromText(
        _ text: String, goal: Int? = nil, start: [Int]? = nil, observation: GridObservation = GridObservation(), maxEpisodeSteps: Int? = nil
    ) -> Gridworld {
        do {
            return Gridworld(
                map: try GridMap.parse(text, name: "test"), goal: goal, start: start, observation: observation, maxEpisodeSteps: maxEpisodeSteps)
        } catch {
            fatalError("test map is invalid: \(error)")
        }
    }
}
