import ArgumentParser
import FnauditScanning

@main
struct Fnaudit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fnaudit",
        abstract: "Find known-vulnerable npm, PyPI and Maven packages in serverless function bundles.",
        discussion: """
        fnaudit reads function artifacts (zip, Lambda layers, jar/war/ear, wheels, tarballs) and \
        source trees, lists every bundled package, and matches them against a local OSV advisory \
        database. It never uses the network.
        """,
        version: FnauditInfo.version,
        subcommands: [CompareCommand.self]
    )
}
