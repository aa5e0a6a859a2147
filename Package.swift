// swift-tools-version:6.0
// fnaudit: software composition analysis for serverless function bundles.
//
// One target per layer, as the data flows; the compiler keeps the arrows one-way:
//
//   inputs → Scanning (walk: trees, archives) → Extractors (analyzers) → Model (inventory)
//          → Matching (via the Advisory protocol) → Policy (suppressions, gate: the report)
//          → Reporting (renders a finished report) → CLI (options → request, report → stdout, outcome → exit code)
//
//   Model        ← Versioning, Archive, Extractors, Advisory
//   Extractors   → Model, Versioning, Yams, TOMLKit     (analyzers; never the database)
//   Scanning     → Model, Archive, Extractors           (never SQLite, the report, or colour)
//   Deployment   → Model                                (functions × packages: effective and shadowed copies by runtime search path)
//   Advisory     → Model                                (OSV types, CVSS, the AdvisorySource protocol)
//   AdvisoryDB   → Advisory, Archive, GRDB, Crypto      (the SQLite store, refresh, OSV exports)
//   Matching     → Advisory, Versioning                 (never AdvisoryDB)
//   Policy       → Matching, Extractors (TOML reader)   (.fnaudit.toml, suppressions, AuditReport, the gate)
//   Reporting    → Policy, Advisory, Rainbow            (table, JSON, SARIF, CycloneDX, Markdown, explain)
//   Audit        → Scanning, Deployment, AdvisoryDB, Matching, Policy, Crypto  (the library facade: Audit.run(AuditRequest); jar digests)
//   fnaudit      → Audit, Reporting, ArgumentParser     (the only target that knows ArgumentParser)
import PackageDescription

let package = Package(
    name: "fnaudit",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "fnaudit", targets: ["fnaudit"]),
        .library(name: "FnauditAudit", targets: ["FnauditAudit"]),
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
        // libdeflate (pkg-config: libdeflate): whole-entry inflation and CRC-32 for zips read through their central directory.
        .systemLibrary(
            name: "CDeflate",
            path: "Sources/CDeflate",
            pkgConfig: "libdeflate",
            providers: [.apt(["libdeflate-dev"])]
        ),
        .target(name: "FnauditModel", path: "Sources/Model"),
        .target(name: "FnauditAdvisory", dependencies: ["FnauditModel"], path: "Sources/Advisory"),
        .target(name: "FnauditVersioning", dependencies: ["FnauditModel"], path: "Sources/Versioning"),
        .target(name: "FnauditArchive", dependencies: ["CArchive", "CDeflate"], path: "Sources/Archive"),
        .target(
            name: "FnauditExtractors",
            dependencies: ["FnauditModel", "FnauditVersioning", "Yams", "TOMLKit"],
            path: "Sources/Extractors",
            // Compiled into the binary (no resource bundle to ship): jar manifest keys → Maven coordinates, secret rules.
            resources: [
                .embedInCode("Maven/Data/java-coordinates.tsv"),
                .embedInCode("Maven/Data/java-coordinates-versioned.tsv"),
                .embedInCode("Maven/Data/java-coordinates-ambiguous.tsv"),
                // Secret rules: id, severity, keywords, regex (Docs/SECRETS.md).
                .embedInCode("Secrets/Data/secret-rules.tsv"),
                // IAM: SAM policy templates expanded to statements, AWS managed policies fnaudit judges (Docs/IAM.md).
                .embedInCode("Deployment/IAM/Data/sam-policy-templates.tsv"),
                .embedInCode("Deployment/IAM/Data/managed-policies.tsv"),
            ]
        ),
        // The deployment view: functions joined with the packages of their code and layers, by runtime search path.
        .target(name: "FnauditDeployment", dependencies: ["FnauditModel"], path: "Sources/Deployment"),
        .target(
            name: "FnauditAdvisoryDB",
            dependencies: [
                "FnauditModel", "FnauditAdvisory", "FnauditArchive",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Sources/AdvisoryDB"
        ),
        .target(
            name: "FnauditMatching",
            dependencies: ["FnauditModel", "FnauditVersioning", "FnauditAdvisory"],
            path: "Sources/Matching"
        ),
        .target(
            name: "FnauditPolicy",
            dependencies: ["FnauditModel", "FnauditAdvisory", "FnauditMatching", "FnauditExtractors"],
            path: "Sources/Policy"
        ),
        .target(
            name: "FnauditScanning",
            dependencies: ["FnauditModel", "FnauditArchive", "FnauditExtractors"],
            path: "Sources/Scanning"
        ),
        .target(
            name: "FnauditReporting",
            dependencies: ["FnauditModel", "FnauditAdvisory", "FnauditMatching", "FnauditPolicy", "Rainbow"],
            path: "Sources/Reporting"
        ),
        .target(
            name: "FnauditAudit",
            dependencies: ["FnauditModel", "FnauditAdvisory", "FnauditAdvisoryDB", "FnauditExtractors", "FnauditMatching", "FnauditPolicy",
                           "FnauditScanning", "FnauditDeployment", .product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/Audit"
        ),
        .executableTarget(
            name: "fnaudit",
            dependencies: [
                "FnauditModel", "FnauditVersioning", "FnauditAdvisory", "FnauditAdvisoryDB", "FnauditAudit", "FnauditPolicy",
                "FnauditReporting", "FnauditScanning", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/CLI"
        ),
        // `swift run -c release fnaudit-bench`: prints throughput figures (never a timed unit test).
        .executableTarget(
            name: "fnaudit-bench",
            dependencies: ["FnauditModel", "FnauditVersioning", "FnauditExtractors"],
            path: "Sources/Benchmarks"
        ),

        // `Scripts/fuzz/run.sh TARGET SECONDS`: libFuzzer over each parser of hostile input (built with
        // -sanitize=fuzzer,address there); built normally it runs crash files once. No GRDB, no Crypto.
        .executableTarget(
            name: "fnaudit-fuzz",
            dependencies: ["CArchive", "FnauditModel", "FnauditVersioning", "FnauditArchive", "FnauditExtractors",
                           "FnauditScanning", "FnauditAdvisory", "FnauditPolicy"],
            path: "Sources/Fuzz"
        ),

        // Tests mirror the targets. TestSupport: fixture paths, ../shared, the shipped database, running tools.
        .target(name: "TestSupport", dependencies: ["FnauditAdvisoryDB"], path: "Tests/TestSupport"),
        .testTarget(name: "ArchiveTests", dependencies: ["FnauditArchive", "TestSupport"], path: "Tests/ArchiveTests"),
        .testTarget(name: "ModelTests", dependencies: ["FnauditModel"], path: "Tests/ModelTests"),
        .testTarget(name: "VersioningTests", dependencies: ["FnauditVersioning", "TestSupport"], path: "Tests/VersioningTests"),
        .testTarget(name: "AdvisoryTests", dependencies: ["FnauditAdvisory", "FnauditArchive", "TestSupport"], path: "Tests/AdvisoryTests"),
        .testTarget(name: "AdvisoryDBTests", dependencies: ["FnauditAdvisory", "FnauditAdvisoryDB", "TestSupport"], path: "Tests/AdvisoryDBTests"),
        .testTarget(name: "ExtractorsTests", dependencies: ["FnauditExtractors", "TestSupport"], path: "Tests/ExtractorsTests"),
        .testTarget(name: "DeploymentTests", dependencies: ["FnauditDeployment", "FnauditExtractors", "FnauditAudit", "FnauditScanning", "TestSupport"],
                    path: "Tests/DeploymentTests"),
        .testTarget(name: "ScanningTests", dependencies: ["FnauditScanning", "FnauditExtractors", "TestSupport"], path: "Tests/ScanningTests"),
        .testTarget(name: "MatchingTests", dependencies: ["FnauditMatching", "FnauditAdvisory", "TestSupport"], path: "Tests/MatchingTests"),
        .testTarget(name: "PolicyTests", dependencies: ["FnauditPolicy", "FnauditMatching", "TestSupport"], path: "Tests/PolicyTests"),
        .testTarget(name: "ReportingTests", dependencies: ["FnauditReporting", "FnauditAudit", "FnauditPolicy", "FnauditScanning", "TestSupport"],
                    path: "Tests/ReportingTests"),
        .testTarget(name: "AuditTests", dependencies: ["FnauditAudit", "FnauditScanning", "FnauditMatching", "FnauditPolicy",
                                                       "FnauditAdvisoryDB", "TestSupport"], path: "Tests/AuditTests"),
        // Runs the built `fnaudit` binary: exit codes, stdin harness, a refresh killed with SIGKILL.
        .testTarget(name: "CLITests", dependencies: ["fnaudit", "FnauditAdvisoryDB", "TestSupport"], path: "Tests/CLITests"),
    ]
)
