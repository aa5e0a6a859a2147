// swift-tools-version:6.0
// fnaudit: software composition analysis for serverless function bundles.
//
// One target per layer keeps the dependency arrows one-way:
//   Model  <-  Versioning  <-  Matching  <-  Scanning  <-  CLI
//   Model  <-  Extractors (never the database)
//   Model  <-  AdvisoryDB (GRDB)          Archive (libarchive) <- Scanning, AdvisoryDB
//   Reporting knows Model + Matching results, never archives.
// Only the CLI target knows ArgumentParser.
import PackageDescription

let package = Package(
    name: "fnaudit",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "fnaudit", targets: ["fnaudit"]),
        .library(name: "FnauditScanning", targets: ["FnauditScanning"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/onevcat/Rainbow", from: "4.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
    ],
    targets: [
        // libarchive, used through its C API (pkg-config: libarchive).
        .systemLibrary(
            name: "CArchive",
            path: "Sources/CArchive",
            pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"])]
        ),
        .target(name: "FnauditModel", path: "Sources/Model"),
        .target(name: "FnauditVersioning", dependencies: ["FnauditModel"], path: "Sources/Versioning"),
        .target(name: "FnauditArchive", dependencies: ["CArchive"], path: "Sources/Archive"),
        .target(
            name: "FnauditExtractors",
            dependencies: ["FnauditModel", "Yams", "TOMLKit"],
            path: "Sources/Extractors"
        ),
        .target(
            name: "FnauditAdvisoryDB",
            dependencies: [
                "FnauditModel", "FnauditArchive",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Sources/AdvisoryDB"
        ),
        .target(
            name: "FnauditMatching",
            dependencies: ["FnauditModel", "FnauditVersioning", "FnauditAdvisoryDB"],
            path: "Sources/Matching"
        ),
        .target(
            name: "FnauditReporting",
            dependencies: ["FnauditModel", "FnauditMatching", "FnauditAdvisoryDB", "Rainbow"],
            path: "Sources/Reporting"
        ),
        .target(
            name: "FnauditScanning",
            dependencies: ["FnauditModel", "FnauditArchive", "FnauditExtractors", "FnauditReporting"],
            path: "Sources/Scanning"
        ),
        .executableTarget(
            name: "fnaudit",
            dependencies: [
                "FnauditModel", "FnauditVersioning", "FnauditAdvisoryDB", "FnauditMatching", "FnauditReporting",
                "FnauditScanning", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/CLI"
        ),
        // `swift run -c release fnaudit-bench`: prints throughput figures (never a timed unit test).
        .executableTarget(
            name: "fnaudit-bench",
            dependencies: ["FnauditModel", "FnauditVersioning"],
            path: "Sources/Benchmarks"
        ),

        // Paths of the fixtures and of ../shared, for every test target.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ModelTests", dependencies: ["FnauditModel"], path: "Tests/ModelTests"),
        .testTarget(name: "VersioningTests", dependencies: ["FnauditVersioning", "TestSupport"], path: "Tests/VersioningTests"),
        .testTarget(name: "AdvisoryDBTests", dependencies: ["FnauditAdvisoryDB", "TestSupport"], path: "Tests/AdvisoryDBTests"),
        .testTarget(
            name: "ScanningTests",
            dependencies: ["FnauditScanning", "FnauditExtractors", "FnauditMatching", "FnauditAdvisoryDB", "FnauditReporting",
                           "FnauditVersioning", "TestSupport"],
            path: "Tests/ScanningTests"
        ),
        // Runs the built `fnaudit` binary: exit codes, stdin harness, a refresh killed with SIGKILL.
        .testTarget(name: "CLITests", dependencies: ["fnaudit", "FnauditAdvisoryDB", "TestSupport"], path: "Tests/CLITests"),
    ]
)
