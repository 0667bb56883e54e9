// swift-tools-version: 6.1
import PackageDescription

/// Chorus: a multi-task reinforcement learning suite.
///
/// Layers (imports point downward only):
///   Randomness      seeded random streams owned by a run (below every layer)
///   Communication   the processes of a data-parallel run and their collectives (MPI with the trait MPI)
///   Environments    the Environment protocol, built-in envs, vectorised batches, suites, scenes
///   NeuralNetworks  tensors, layers with backward passes, optimizers, BLAS, safetensors
///   Agents          the multi-task policy, estimators, PopArt, Distral, the trainer and the evaluator
///   Viewer          `chorus watch`: scenes drawn with SDL2 (trait SDL), GIF/PNG recording, the ASCII view
///   chorus          the command-line interface: argument parsing and wiring only
let package = Package(
    name: "Chorus",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "chorus", targets: ["chorus"])
    ],
    traits: [
        .trait(
            name: "SDL", description: "The SDL2 episode viewer for `chorus watch` (needs libsdl2-dev, libsdl2-ttf-dev, libsdl2-image-dev, libgif-dev)"
        ),
        .trait(
            name: "MPI",
            description: "Data-parallel training over MPI: `mpirun -np N chorus train …` (needs libopenmpi-dev; off by default)"
        ),
        .default(enabledTraits: ["SDL"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CSDL2", pkgConfig: "sdl2", providers: [.apt(["libsdl2-dev"])]),
        .systemLibrary(name: "CSDL2TTF", pkgConfig: "SDL2_ttf", providers: [.apt(["libsdl2-ttf-dev"])]),
        .systemLibrary(name: "CSDL2Image", pkgConfig: "SDL2_image", providers: [.apt(["libsdl2-image-dev"])]),
        .systemLibrary(name: "CGIF", providers: [.apt(["libgif-dev"])]),
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        .systemLibrary(name: "CZlib", path: "Tests/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        .target(name: "Randomness"),
        .target(name: "Communication", dependencies: [.target(name: "CMPI", condition: .when(traits: ["MPI"]))]),
        .target(
            name: "Environments",
            dependencies: [
                "Randomness",
                .product(name: "Yams", package: "Yams"),
            ]),
        // Element-wise kernels with an AVX2 version chosen at load time; no FMA contraction, so every CPU gives the same bits.
        .target(name: "CVectorMath", cSettings: [.unsafeFlags(["-ffp-contract=off"])]),
        .target(name: "NeuralNetworks", dependencies: ["Randomness", "CBLAS", "CVectorMath"]),
        .target(name: "Agents", dependencies: ["Randomness", "Communication", "Environments", "NeuralNetworks"]),
        .target(
            name: "Viewer",
            dependencies: [
                "Randomness", "Environments", "NeuralNetworks", "Agents",
                .target(name: "CSDL2", condition: .when(traits: ["SDL"])),
                .target(name: "CSDL2TTF", condition: .when(traits: ["SDL"])),
                .target(name: "CSDL2Image", condition: .when(traits: ["SDL"])),
                .target(name: "CGIF", condition: .when(traits: ["SDL"])),
            ]),
        .executableTarget(
            name: "chorus",
            dependencies: [
                "Randomness", "Communication", "Environments", "NeuralNetworks", "Agents", "Viewer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .target(name: "TestSupport", dependencies: ["Randomness", "Environments", "NeuralNetworks", "Agents", "CZlib"], path: "Tests/TestSupport"),
        .testTarget(
            name: "ViewerTests",
            dependencies: [
                "Viewer", "TestSupport",
                .target(name: "CSDL2", condition: .when(traits: ["SDL"])),
                .target(name: "CGIF", condition: .when(traits: ["SDL"])),
            ]),
        .testTarget(name: "RandomnessTests", dependencies: ["Randomness", "TestSupport"]),
        .testTarget(name: "EnvironmentsTests", dependencies: ["Environments", "TestSupport"]),
        .testTarget(name: "NeuralNetworksTests", dependencies: ["NeuralNetworks", "TestSupport"]),
        .testTarget(name: "AgentsTests", dependencies: ["Agents", "TestSupport"]),
        .testTarget(name: "ChorusTests", dependencies: ["chorus", "TestSupport"]),
        .testTarget(name: "CommunicationTests", dependencies: ["Communication", "Agents", "TestSupport"]),

        // Coverage-guided fuzzing (scripts/fuzz.sh): the targets, the libFuzzer/replay executable, the corpus replay tests.
        .target(name: "FuzzTargets", dependencies: ["Randomness", "Environments", "NeuralNetworks", "Agents"], path: "Tests/FuzzTargets"),
        .executableTarget(name: "chorus-fuzz", dependencies: ["FuzzTargets"], path: "Tests/Fuzz"),
        .testTarget(name: "FuzzCorpusTests", dependencies: ["FuzzTargets", "TestSupport"]),
    ]
)
